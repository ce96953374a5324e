"""Reminders about assignments: due soon, overdue, and work waiting to be marked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.assessments.models import Submission, SubmissionStatus
from app.assessments.services import assessments_of, due_on
from app.auth.models import Role
from app.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from app.courses.models import AssessmentKind
from app.extensions import db
from app.reminders.kinds import PlannedReminder, reminder_kind
from app.timeutil import format_date, to_local, to_utc
from app.urls import absolute_url

#: Reminders about a day go out from this hour, UK time.
MORNING = time(9)
HANDED_IN = (SubmissionStatus.SUBMITTED, SubmissionStatus.PASSED, SubmissionStatus.REFERRED)


def _outstanding(now: datetime):
    """(enrolment, assignment, due date) for every assignment an active participant has not handed in."""
    today = to_local(now).date()
    enrolments = db.session.scalars(
        select(Enrolment).join(Cohort).where(
            Enrolment.status == EnrolmentStatus.ACTIVE, Cohort.start_on <= today, Cohort.end_on >= today - timedelta(days=7)
        )
    ).all()
    if not enrolments:
        return []
    assignments = [a for a in assessments_of({e.cohort.course_version_id for e in enrolments})
                   if a.kind is AssessmentKind.ASSIGNMENT]
    handed_in = set(db.session.execute(
        select(Submission.user_id, Submission.assessment_id).where(
            Submission.user_id.in_({e.user_id for e in enrolments}), Submission.status.in_(HANDED_IN)
        )
    ).all())
    for enrolment in enrolments:
        for assignment in assignments:
            if assignment.module.version_id != enrolment.cohort.course_version_id:
                continue
            if (enrolment.user_id, assignment.id) not in handed_in:
                yield enrolment, assignment, due_on(enrolment.cohort, assignment)


def _from_morning(day: date) -> datetime:
    return to_utc(datetime.combine(day, MORNING))


def _due_reminders(now: datetime, label: str, starts_before: int, ends_before: int):
    for enrolment, assignment, due in _outstanding(now):
        if _from_morning(due - timedelta(days=starts_before)) <= now < _from_morning(due - timedelta(days=ends_before)):
            yield PlannedReminder(
                user=enrolment.user,
                dedupe_key=f"assignment-{label}:{assignment.id}:{enrolment.user_id}:{due:%Y%m%d}",
                template="assignment_due",
                context={"assignment": assignment, "due": format_date(due), "label": label,
                         "link": absolute_url("courses.learning")},
            )


@reminder_kind("assignment_due_3d", "An assignment is due in 3 days", audience={Role.PARTICIPANT})
def assignments_due_in_three_days(now: datetime):
    return _due_reminders(now, "3d", starts_before=3, ends_before=1)


@reminder_kind("assignment_due_1d", "An assignment is due tomorrow", audience={Role.PARTICIPANT})
def assignments_due_tomorrow(now: datetime):
    return _due_reminders(now, "1d", starts_before=1, ends_before=-1)


@reminder_kind("assignment_overdue", "An assignment is overdue", audience={Role.PARTICIPANT})
def assignments_overdue(now: datetime):
    """The morning after the due date (and for two days after, if the scheduler was down)."""
    return _due_reminders(now, "overdue", starts_before=-1, ends_before=-3)


@reminder_kind("missed_due_date", "A participant has missed a due date", audience={Role.FACILITATOR},
               digestible=True)
def missed_due_dates(now: datetime):
    for enrolment, assignment, due in _outstanding(now):
        if _from_morning(due + timedelta(days=1)) <= now < _from_morning(due + timedelta(days=3)):
            for facilitator in enrolment.cohort.facilitators:
                yield PlannedReminder(
                    user=facilitator,
                    dedupe_key=f"missed-due:{assignment.id}:{enrolment.user_id}:{facilitator.id}:{due:%Y%m%d}",
                    template="missed_due_date",
                    context={"participant": enrolment.user, "assignment": assignment, "due": format_date(due),
                             "link": absolute_url("cohorts.detail", cohort_id=enrolment.cohort_id)},
                )


@reminder_kind("submission_waiting", "Work has waited more than 5 days for marking", audience={Role.FACILITATOR},
               digestible=True)
def submissions_waiting(now: datetime):
    waiting = db.session.execute(
        select(Submission, Enrolment)
        .join(Enrolment, Enrolment.user_id == Submission.user_id)
        .where(
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.submitted_at <= now - timedelta(days=5),
            Enrolment.is_placed,
        )
    ).all()
    for submission, enrolment in waiting:
        if submission.assessment.module.version_id != enrolment.cohort.course_version_id:
            continue
        for facilitator in enrolment.cohort.facilitators:
            yield PlannedReminder(
                user=facilitator,
                dedupe_key=f"marking-waiting:{submission.id}:{submission.submitted_at:%Y%m%d%H%M}:{facilitator.id}",
                template="submission_waiting",
                context={"submission": submission, "participant": enrolment.user,
                         "since": format_date(submission.submitted_at),
                         "link": absolute_url("assessments.mark", submission_id=submission.id)},
            )
