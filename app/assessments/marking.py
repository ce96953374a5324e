"""Marking: who may see a submission, the facilitator's queue, and the mark itself.

A submission is marked by the facilitators of the cohort its author is in now (they keep
their work when they move cohort), or by the programme team. Marks are saved only against
the version of the submission the marker saw, so two markers at once get one mark and one
clear conflict, never a silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, select, update

from app.assessments.models import Judgement, Outcome, Submission, SubmissionStatus
from app.assessments.services import AssessmentError
from app.audit.services import record
from app.auth.models import Role, User
from app.cohorts.models import Cohort, Enrolment, cohort_facilitator
from app.courses.models import Assessment, AssessmentKind, CourseVersion, Module
from app.extensions import db
from app.mail.services import queue_email
from app.params import query_id
from app.signals import progress_recorded
from app.timeutil import format_datetime, utcnow
from app.urls import absolute_url



class MarkingConflict(AssessmentError):
    """Someone else saved a mark first; the message says who and when."""


def author_enrolment(submission: Submission) -> Enrolment | None:
    """The author's place in a cohort on the assignment's course version."""
    return db.session.scalar(
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.user_id == submission.user_id,
            Enrolment.is_placed,
            Cohort.course_version_id == submission.assessment.module.version_id,
        )
        .order_by(Enrolment.joined_at.desc())
        .limit(1)
    )


def may_mark(user: User, submission: Submission) -> bool:
    """The programme team, or a facilitator of the author's cohort; never a draft."""
    if submission.status is SubmissionStatus.DRAFT:
        return False
    if user.has_role(Role.ADMIN):
        return True
    enrolment = author_enrolment(submission) if user.has_role(Role.FACILITATOR) else None
    return enrolment is not None and any(f.id == user.id for f in enrolment.cohort.facilitators)


def may_see(user: User, submission: Submission) -> bool:
    """Its author, or anyone who may mark it."""
    return submission.user_id == user.id or may_mark(user, submission)


# The queue ------------------------------------------------------------------------------------

WAITING, MARKED, EVERYTHING = "waiting", "marked", "all"
STATES = [(WAITING, "Waiting for marking"), (MARKED, "Marked"), (EVERYTHING, "All submitted work")]


@dataclass(frozen=True)
class QueueFilter:
    cohort_id: int | None = None
    assessment_id: int | None = None
    state: str = WAITING

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        state = args.get("state") or WAITING
        return cls(query_id(args.get("cohort")), query_id(args.get("assignment")),
                   state if state in dict(STATES) else WAITING)


def _runs(user, statement):
    """Only the cohorts this person runs, unless they are on the programme team."""
    if user.has_role(Role.ADMIN):
        return statement
    mine = select(cohort_facilitator.c.cohort_id).where(cohort_facilitator.c.user_id == user.id)
    return statement.where(Cohort.id.in_(mine))


def queue(user: User, filters: QueueFilter) -> Select:
    """A select of submitted work in the cohorts this person runs, oldest first: one row each."""
    statement = (
        select(
            Submission.id, Submission.number, Submission.status, Submission.submitted_at, Submission.late,
            Submission.marked_at, User.name.label("participant"), Cohort.id.label("cohort_id"),
            Cohort.name.label("cohort_name"), Assessment.title, Module.position.label("module_position"),
        )
        .join(User, User.id == Submission.user_id)
        .join(Assessment, Assessment.id == Submission.assessment_id)
        .join(Module, Module.id == Assessment.module_id)
        .join(Enrolment, and_(Enrolment.user_id == Submission.user_id, Enrolment.is_placed))
        .join(Cohort, and_(Cohort.id == Enrolment.cohort_id, Cohort.course_version_id == Module.version_id))
        .order_by(Submission.submitted_at, Submission.id)
    )
    if filters.state == WAITING:
        statement = statement.where(Submission.status == SubmissionStatus.SUBMITTED)
    elif filters.state == MARKED:
        statement = statement.where(Submission.status.in_([SubmissionStatus.PASSED, SubmissionStatus.REFERRED]))
    else:
        statement = statement.where(Submission.status != SubmissionStatus.DRAFT)
    if filters.cohort_id is not None:
        statement = statement.where(Cohort.id == filters.cohort_id)
    if filters.assessment_id is not None:
        statement = statement.where(Assessment.id == filters.assessment_id)
    return _runs(user, statement)


def queue_choices(user: User) -> tuple[list, list]:
    """The cohorts and the assignments the queue can be filtered by: two queries."""
    cohorts = db.session.execute(
        _runs(user, select(Cohort.id, Cohort.name).order_by(Cohort.start_on.desc(), Cohort.name))
    ).all()
    assignments = db.session.execute(
        _runs(user, select(Assessment.id, Assessment.title, Module.position, CourseVersion.label)
              .join(Module, Module.id == Assessment.module_id)
              .join(CourseVersion, CourseVersion.id == Module.version_id)
              .join(Cohort, Cohort.course_version_id == CourseVersion.id)
              .where(Assessment.kind == AssessmentKind.ASSIGNMENT)
              .group_by(Assessment.id, Assessment.title, Module.position, CourseVersion.label)
              .order_by(CourseVersion.label, Module.position))
    ).all()
    return cohorts, assignments


# Marking --------------------------------------------------------------------------------------


def _judgements(assessment: Assessment, values: list[str | None]) -> list[dict] | None:
    criteria = assessment.criteria or []
    judged = []
    for position, criterion in enumerate(criteria, start=1):
        value = values[position - 1] if position <= len(values) else None
        if value not in {j.value for j in Judgement}:
            raise AssessmentError(f"Choose met, partly met or not met for criterion {position}",
                                  field=f"criterion-{position}")
        judged.append({"criterion": criterion, "judgement": value})
    return judged or None


def conflict_message(submission: Submission, actor: User) -> str:
    """What to tell a marker whose page went stale: who marked it, and when."""
    if not submission.is_marked:
        return "This submission changed while you had it open. Your mark was not saved: check it and mark it again"
    who = "You" if submission.marked_by_id == actor.id else (submission.marked_by.name if submission.marked_by else "Someone")
    where = " in another tab or window" if who == "You" else ""
    return (f"{who} marked this submission on {format_datetime(submission.marked_at)}{where}, while you had it open. "
            "Your mark was not saved: the mark that stands is shown below")


def mark(
    submission: Submission, *, actor: User, outcome: str | None, feedback: str | None, judgements: list[str | None],
    seen_version: int, now: datetime | None = None,
) -> None:
    """Pass or refer a submission, with feedback (required to refer) and a judgement per
    criterion; tell the participant; issue their certificate if this was the last thing left."""
    now = now or utcnow()
    if outcome not in {o.value for o in Outcome}:
        raise AssessmentError("Choose pass or refer", field="outcome")
    judged = _judgements(submission.assessment, judgements)
    feedback = (feedback or "").strip() or None
    if outcome == Outcome.REFER and feedback is None:
        raise AssessmentError("Enter feedback that says what to change before resubmitting", field="feedback")
    status = SubmissionStatus.PASSED if outcome == Outcome.PASS else SubmissionStatus.REFERRED
    saved = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.version == seen_version,
               Submission.status == SubmissionStatus.SUBMITTED)
        .values(status=status, feedback=feedback, judgements=judged, marked_by_id=actor.id, marked_at=now,
                version=Submission.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    if saved.rowcount != 1:
        raise MarkingConflict(conflict_message(submission, actor), field="outcome")
    record(actor, "submission.marked", submission, {
        "outcome": [None, outcome],
        "participant": submission.user.email,
        "assessment": submission.assessment.label,
        "submission": submission.number,
    })
    queue_email(
        to=submission.user.email, kind="submission_marked", template="assessments/submission_marked",
        user=submission.user, dedupe_key=f"submission-marked:{submission.id}",
        context={"submission": submission, "assessment": submission.assessment, "passed": status is SubmissionStatus.PASSED,
                 "link": absolute_url("assessments.assignment", assignment_id=submission.assessment_id)},
    )
    if status is SubmissionStatus.PASSED:
        enrolment = author_enrolment(submission)
        if enrolment is not None:
            # Issued by the service as the last criterion is met; the mark itself is the marker's.
            progress_recorded.send(enrolments=[enrolment], actor=None)
