"""Assessments as the rest of the service sees them: which ones count, and where each
participant stands on each. The completion rule and the gradebook read them from here.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Iterable

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager, defer

from app.assessments.models import QuizAttempt, Submission, SubmissionStatus
from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.courses.models import Assessment, AssessmentKind, Module
from app.errors import DomainError
from app.extensions import db
from app.timeutil import format_date, to_local, utcnow


class AssessmentError(DomainError):
    """An assessment rule was broken."""


class AssessmentState(enum.StrEnum):
    NOT_STARTED = "not_started"
    #: A quiz attempt begun and not yet submitted, with none submitted before it.
    IN_PROGRESS = "in_progress"
    #: Quiz attempts submitted, none of them passing.
    ATTEMPTED = "attempted"
    PASSED = "passed"
    #: An assignment saved as a draft, never submitted.
    DRAFT = "draft"
    SUBMITTED = "submitted"
    #: Submitted after its due date, waiting for marking.
    LATE = "late"
    REFERRED = "referred"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def tag_colour(self) -> str:
        """The govuk-tag colour class this state shows in."""
        return {
            "not_started": "govuk-tag--grey", "in_progress": "govuk-tag--light-blue",
            "attempted": "govuk-tag--yellow", "passed": "govuk-tag--green", "draft": "govuk-tag--light-blue",
            "submitted": "govuk-tag--blue", "late": "govuk-tag--orange", "referred": "govuk-tag--red",
        }[self.value]


@dataclass(frozen=True)
class AssessmentStatus:
    """Where one person stands on one assessment, with a sentence that says so."""

    state: AssessmentState
    passed: bool
    #: Plain English: "Passed with 85%", "Submitted on 3 May 2027, waiting for marking".
    detail: str
    #: Quizzes: the best score so far.
    score: int | None = None
    #: Assignments: the latest submission sent for marking, if any.
    submission_id: int | None = None

    @property
    def short(self) -> str:
        """For a spreadsheet cell: "Passed (85%)", "Referred"."""
        return self.state.label + (f" ({self.score}%)" if self.score is not None else "")


NOT_STARTED = AssessmentStatus(AssessmentState.NOT_STARTED, False, "Not started")


def local_today(now: datetime | None = None) -> date:
    """Today's date in London."""
    return to_local(now or utcnow()).date()


def _in_order(statement):
    return (
        statement.join(Module, Module.id == Assessment.module_id)
        .options(contains_eager(Assessment.module))
        .order_by(Module.version_id, Module.position, Assessment.position)
    )


@cache
def _assessments_select() -> Select:
    """Every assessment of versions `versions`, in order, built once (it is on every checklist).
    Lists and checklists name them and need no quiz's questions or assignment's brief: those
    are read only if asked for."""
    return (
        _in_order(select(Assessment)).where(Module.version_id.in_(bindparam("versions", expanding=True)))
        .options(defer(Assessment.questions), defer(Assessment.brief_html), defer(Assessment.criteria))
    )


def assessments_of(version_ids: Iterable[int]) -> list[Assessment]:
    """Every assessment of these versions, in module then position order, in one query."""
    return list(db.session.scalars(_assessments_select(), {"versions": list(version_ids)}))


def enrolment_for(user: User, version_id: int) -> Enrolment | None:
    """The participant's place in a cohort on this course version, if they have one."""
    return db.session.scalar(
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.user_id == user.id,
            Cohort.course_version_id == version_id,
            Enrolment.is_placed,
        )
        .order_by(Enrolment.joined_at.desc())
        .limit(1)
    )


def module_opens_on(cohort: Cohort, module_id: int) -> date:
    """The day the cohort's schedule opens this module."""
    entry = next((e for e in cohort.schedule if e.module_id == module_id), None)
    return entry.opens_on if entry else cohort.start_on


def due_on(cohort: Cohort, assessment: Assessment) -> date:
    """An assignment's own due day counted from the cohort's start, else its module's due date."""
    if assessment.due_after_days is not None:
        return cohort.start_on + timedelta(days=assessment.due_after_days)
    entry = next((e for e in cohort.schedule if e.module_id == assessment.module_id), None)
    return entry.due_on if entry else cohort.end_on


# Statuses -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempts:
    best: int | None
    submitted: int
    started: int


def _quiz_status(quiz: Assessment, attempts: _Attempts | None) -> AssessmentStatus:
    if attempts is None:
        return NOT_STARTED
    if attempts.submitted == 0:
        return AssessmentStatus(AssessmentState.IN_PROGRESS, False, "Started, not yet finished")
    if attempts.best >= quiz.pass_mark:
        return AssessmentStatus(AssessmentState.PASSED, True, f"Passed with {attempts.best}%", score=attempts.best)
    detail = f"Not yet passed: best score {attempts.best}%, {quiz.pass_mark}% needed"
    if attempts.started >= quiz.attempts and attempts.submitted == attempts.started:
        detail = f"Not passed: best score {attempts.best}%, {quiz.pass_mark}% needed, and all {quiz.attempts} attempts used"
    return AssessmentStatus(AssessmentState.ATTEMPTED, False, detail, score=attempts.best)


def assignment_status(submissions: list[Submission]) -> AssessmentStatus:
    """Where someone stands from their submissions to one assignment, in number order."""
    passed = next((s for s in submissions if s.status is SubmissionStatus.PASSED), None)
    if passed is not None:
        return AssessmentStatus(AssessmentState.PASSED, True, f"Passed on {format_date(passed.marked_at)}",
                                submission_id=passed.id)
    sent = [s for s in submissions if s.status is not SubmissionStatus.DRAFT]
    if not sent:
        if submissions:
            return AssessmentStatus(AssessmentState.DRAFT, False, "Draft saved, not yet submitted")
        return NOT_STARTED
    latest = sent[-1]
    if latest.status is SubmissionStatus.REFERRED:
        return AssessmentStatus(AssessmentState.REFERRED, False, "Referred: resubmit with the changes in your feedback",
                                submission_id=latest.id)
    verb = "Resubmitted" if len(sent) > 1 else "Submitted"
    if latest.late:
        return AssessmentStatus(AssessmentState.LATE, False,
                                f"{verb} late on {format_date(latest.submitted_at)}, waiting for marking",
                                submission_id=latest.id)
    return AssessmentStatus(AssessmentState.SUBMITTED, False,
                            f"{verb} on {format_date(latest.submitted_at)}, waiting for marking",
                            submission_id=latest.id)


@cache
def _status_selects() -> tuple[Select, Select]:
    """People `users`' quiz attempts, summed, and submissions to assessments `assessments`:
    built once, since building them costs more than running them."""
    users, assessments = bindparam("users", expanding=True), bindparam("assessments", expanding=True)
    attempts = (
        select(QuizAttempt.user_id, QuizAttempt.assessment_id, func.max(QuizAttempt.score),
               func.count(QuizAttempt.submitted_at), func.count(QuizAttempt.id))
        .where(QuizAttempt.user_id.in_(users), QuizAttempt.assessment_id.in_(assessments))
        .group_by(QuizAttempt.user_id, QuizAttempt.assessment_id)
    )
    submissions = (
        select(Submission.id, Submission.user_id, Submission.assessment_id, Submission.status,
               Submission.submitted_at, Submission.late, Submission.marked_at)
        .where(Submission.user_id.in_(users), Submission.assessment_id.in_(assessments))
        .order_by(Submission.number)
    )
    return attempts, submissions


def statuses_for(enrolments: list[Enrolment], assessments: list[Assessment] | None = None
                 ) -> dict[tuple[int, int], AssessmentStatus]:
    """(enrolment id, assessment id) -> status, for every assessment of each enrolment's
    version: three queries however many enrolments there are, two when the caller passes
    those versions' assessments (assessments_of) in."""
    if not enrolments:
        return {}
    if assessments is None:
        assessments = assessments_of({e.cohort.course_version_id for e in enrolments})
    attempts_select, submissions_select = _status_selects()
    ids = {"users": list({e.user_id for e in enrolments}), "assessments": [a.id for a in assessments]}
    attempts = {
        (user_id, assessment_id): _Attempts(best, submitted, started)
        for user_id, assessment_id, best, submitted, started in db.session.execute(attempts_select, ids)
    }
    submissions = defaultdict(list)
    for row in db.session.execute(submissions_select, ids):
        submissions[(row.user_id, row.assessment_id)].append(row)
    by_version = defaultdict(list)
    for assessment in assessments:
        by_version[assessment.module.version_id].append(assessment)
    statuses = {}
    for enrolment in enrolments:
        for assessment in by_version[enrolment.cohort.course_version_id]:
            key = (enrolment.user_id, assessment.id)
            statuses[(enrolment.id, assessment.id)] = (
                _quiz_status(assessment, attempts.get(key))
                if assessment.kind is AssessmentKind.QUIZ
                else assignment_status(submissions[key])
            )
    return statuses
