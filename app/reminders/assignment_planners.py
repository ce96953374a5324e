"""Reminders about assignments: due soon, overdue, and work waiting to be marked.

An assignment is due on a day and late from midnight after it (UK time). Each reminder about
a due date is planned from one moment until its `expires_at`, as each planner says.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.assessments.models import Submission, SubmissionStatus
from app.assessments.services import assessments_of, due_on
from app.auth.models import Role
from app.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from app.courses.models import Assessment, AssessmentKind, Module
from app.extensions import db
from app.reminders.kinds import PlannedReminder, reminder_kind
from app.timeutil import format_date, to_local, to_utc
from app.urls import absolute_url

#: Reminders about a day go out from this hour, UK time.
MORNING = time(9)
HANDED_IN = (SubmissionStatus.SUBMITTED, SubmissionStatus.PASSED, SubmissionStatus.REFERRED)


#: Every reminder about a due day falls within this many days of it, either side.
NEAR = timedelta(days=4)


def _outstanding(now: datetime):
    """(enrolment, assignment, due date) for every assignment due within NEAR of today that an
    active participant has not handed in. The cohorts come first, so that only the people of
    those with an assignment due near now are read, not everyone learning."""
    today = to_local(now).date()
    cohorts = db.session.scalars(
        select(Cohort).where(Cohort.start_on <= today, Cohort.end_on >= today - timedelta(days=7))
        .options(selectinload(Cohort.schedule))
    ).all()
    if not cohorts:
        return []
    assignments = [a for a in assessments_of({c.course_version_id for c in cohorts}) if a.kind is AssessmentKind.ASSIGNMENT]
    near = defaultdict(list)  # cohort id -> [(assignment, due date)]
    for cohort in cohorts:
        for assignment in assignments:
            if assignment.module.version_id == cohort.course_version_id:
                due = due_on(cohort, assignment)
                if abs(due - today) <= NEAR:
                    near[cohort.id].append((assignment, due))
    if not near:
        return []
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.status == EnrolmentStatus.ACTIVE, Enrolment.cohort_id.in_(list(near)))
        .options(joinedload(Enrolment.cohort).selectinload(Cohort.facilitators))
    ).all()
    handed_in = set(db.session.execute(
        select(Submission.user_id, Submission.assessment_id).where(
            Submission.user_id.in_({e.user_id for e in enrolments}),
            Submission.assessment_id.in_({a.id for due in near.values() for a, _ in due}),
            Submission.status.in_(HANDED_IN),
        )
    ).all()) if enrolments else set()
    for enrolment in enrolments:
        for assignment, due in near[enrolment.cohort_id]:
            if (enrolment.user_id, assignment.id) not in handed_in:
                yield enrolment, assignment, due


def _morning(day: date, days: int) -> datetime:
    """MORNING, `days` after `day` (before it, if negative), as stored UTC."""
    return to_utc(datetime.combine(day + timedelta(days=days), MORNING))


def _late_from(due: date) -> datetime:
    """The due moment: midnight at the end of the due day, after which work is late."""
    return to_utc(datetime.combine(due + timedelta(days=1), time(0)))


def _overdue_window(due: date) -> tuple[datetime, datetime]:
    return _morning(due, 1), _morning(due, 3)


def _due_reminders(now: datetime, label: str, window: Callable[[date], tuple[datetime, datetime]]):
    for enrolment, assignment, due in _outstanding(now):
        opens, expires = window(due)
        if opens <= now < expires:
            yield PlannedReminder(
                user=enrolment.user,
                dedupe_key=f"assignment-{label}:{assignment.id}:{enrolment.user_id}:{due:%Y%m%d}",
                template="assignment_due",
                context={"assignment": assignment, "due": format_date(due), "label": label,
                         "today": to_local(now).date() == due, "link": absolute_url("courses.learning")},
                expires_at=expires,
            )


@reminder_kind("assignment_due_3d", "An assignment is due in 3 days", audience={Role.PARTICIPANT})
def assignments_due_in_three_days(now: datetime):
    """From the morning 3 days before the due day until the morning before it, when the
    next reminder takes over."""
    return _due_reminders(now, "3d", lambda due: (_morning(due, -3), _morning(due, -1)))


@reminder_kind("assignment_due_1d", "An assignment is due tomorrow", audience={Role.PARTICIPANT})
def assignments_due_tomorrow(now: datetime):
    """From the morning before the due day until the due moment (midnight at its end): a
    scheduler that was down may still send it on the due day, saying "today", never later."""
    return _due_reminders(now, "1d", lambda due: (_morning(due, -1), _late_from(due)))


@reminder_kind("assignment_overdue", "An assignment is overdue", audience={Role.PARTICIPANT})
def assignments_overdue(now: datetime):
    """The morning after the due day (and for two days after, if the scheduler was down);
    it expires on the third morning."""
    return _due_reminders(now, "overdue", _overdue_window)


@reminder_kind("missed_due_date", "A participant has missed a due date", audience={Role.FACILITATOR},
               digestible=True)
def missed_due_dates(now: datetime):
    """To the cohort's facilitators, in the same window as the participant's overdue reminder."""
    for enrolment, assignment, due in _outstanding(now):
        opens, expires = _overdue_window(due)
        if opens <= now < expires:
            for facilitator in enrolment.cohort.facilitators:
                yield PlannedReminder(
                    user=facilitator,
                    dedupe_key=f"missed-due:{assignment.id}:{enrolment.user_id}:{facilitator.id}:{due:%Y%m%d}",
                    template="missed_due_date",
                    context={"participant": enrolment.user, "assignment": assignment, "due": format_date(due),
                             "link": absolute_url("cohorts.detail", cohort_id=enrolment.cohort_id)},
                    expires_at=expires,
                )


@reminder_kind("submission_waiting", "Work has waited more than 5 days for marking", audience={Role.FACILITATOR},
               digestible=True)
def submissions_waiting(now: datetime):
    """Once, when a submission has waited 5 days for marking; it never expires while it waits."""
    # Only the submissions of the enrolment's own course version: the same person may have
    # a place on another version of the course, where this work is not theirs to be marked.
    waiting = db.session.execute(
        select(Submission, Enrolment)
        .join(Enrolment, Enrolment.user_id == Submission.user_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Assessment, Assessment.id == Submission.assessment_id)
        .join(Module, Module.id == Assessment.module_id)
        .where(
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.submitted_at <= now - timedelta(days=5),
            Enrolment.is_placed,
            Module.version_id == Cohort.course_version_id,
        )
        .options(lazyload(Submission.user), joinedload(Enrolment.cohort).selectinload(Cohort.facilitators))
        # Read a batch at a time, so a run holds one batch of work, not everything waiting.
        .execution_options(yield_per=500)
    )
    for submission, enrolment in waiting:
        for facilitator in enrolment.cohort.facilitators:
            yield PlannedReminder(
                user=facilitator,
                dedupe_key=f"marking-waiting:{submission.id}:{submission.submitted_at:%Y%m%d%H%M}:{facilitator.id}",
                template="submission_waiting",
                context={"submission": submission, "participant": enrolment.user,
                         "since": format_date(submission.submitted_at),
                         "link": absolute_url("assessments.mark", submission_id=submission.id)},
            )
