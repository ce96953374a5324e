"""A participant's home: what to do next, from a fixed number of queries however far in they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.assessments.models import Submission
from app.assessments.services import assessments_of, due_on, local_today, statuses_for
from app.certificates.completion import Completion, completions_for
from app.cohorts.models import Enrolment, LiveSession
from app.cohorts.services import current_enrolment
from app.courses import services as course_services
from app.courses.models import Assessment, Lesson
from app.courses.reading import Reading
from app.extensions import db


@dataclass(frozen=True)
class DueItem:
    assessment: Assessment
    due_on: date


@dataclass(frozen=True)
class ParticipantHome:
    enrolment: Enrolment
    reading: Reading
    progress: course_services.Progress
    completion: Completion
    #: The first lesson not read yet in a module that is open; None when there is none.
    next_lesson: Lesson | None
    #: When the next module opens, if every open lesson is read and one is still to open.
    next_opening: date | None
    #: The required assessment not yet passed that is due soonest.
    next_due: DueItem | None
    next_session: LiveSession | None
    #: The latest of the participant's submissions to be marked with feedback.
    feedback: Submission | None


def participant_home(user, now: datetime) -> ParticipantHome | None:
    """What `user` should do next in their cohort; None when they have no place yet."""
    enrolment = current_enrolment(user)
    if enrolment is None:
        return None
    cohort, version = enrolment.cohort, enrolment.cohort.course_version
    today = local_today(now)
    modules = course_services.outline(version)
    completed = course_services.completions(user, version)
    unopened = course_services.unopened({entry.module_id: entry for entry in cohort.schedule}, today)
    unread = [(module, lesson) for module in modules for lesson in module.lessons if lesson.id not in completed]
    open_unread = [lesson for module, lesson in unread if module.id not in unopened]
    opening = [unopened[module.id] for module, _ in unread if module.id in unopened]
    assessments = assessments_of([version.id])
    statuses = statuses_for([enrolment], assessments)
    to_pass = [
        DueItem(assessment, due_on(cohort, assessment))
        for module in modules if module.id not in unopened
        for assessment in module.assessments
        if assessment.required and not statuses[(enrolment.id, assessment.id)].passed
    ]
    return ParticipantHome(
        enrolment=enrolment,
        reading=Reading(version, preview=False),
        progress=course_services.progress(modules, completed).course,
        completion=completions_for([enrolment], now, assessments=assessments, statuses=statuses)[enrolment.id],
        next_lesson=open_unread[0] if open_unread else None,
        next_opening=min(opening) if opening and not open_unread else None,
        next_due=min(to_pass, key=lambda item: item.due_on, default=None),
        next_session=db.session.scalar(
            select(LiveSession)
            .where(LiveSession.cohort_id == cohort.id, LiveSession.cancelled_at.is_(None), LiveSession.ends_at > now)
            .order_by(LiveSession.starts_at)
            .limit(1)
        ),
        feedback=db.session.scalar(
            select(Submission)
            .where(Submission.user_id == user.id, Submission.marked_at.is_not(None), Submission.feedback.is_not(None))
            .order_by(Submission.marked_at.desc())
            .limit(1)
        ),
    )
