"""Where each participant stands, for many enrolments at once: lessons read, certificates,
and when they were last active. Each function is a fixed number of grouped queries, or none."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import lazyload

from app.assessments.models import QuizAttempt, Submission
from app.auth.models import User
from app.certificates.completion import LessonTallies
from app.certificates.models import Certificate
from app.cohorts.models import Enrolment
from app.courses.models import LessonProgress
from app.courses.services import Progress
from app.extensions import db


def lessons_read(enrolments: list[Enrolment], tallies: LessonTallies) -> dict[int, Progress]:
    """Lessons completed of each enrolment's course version, by enrolment id, from the tallies."""
    progress = {}
    for e in enrolments:
        modules = [row for row in tallies.modules if row.Module.version_id == e.cohort.course_version_id]
        done = sum(tallies.read_of(e.user_id, row.Module.id)[0] for row in modules)
        progress[e.id] = Progress(done, sum(row.lessons for row in modules))
    return progress


def certificates_for(enrolment_ids: list[int]) -> dict[int, Certificate]:
    """Each enrolment's valid certificate or, failing that, its latest one: one query."""
    if not enrolment_ids:
        return {}
    chosen: dict[int, Certificate] = {}
    for certificate in db.session.scalars(
        select(Certificate)
        .where(Certificate.enrolment_id.in_(enrolment_ids))
        .order_by(Certificate.issued_at, Certificate.id)
        .options(lazyload(Certificate.enrolment))  # the caller has the enrolments already
    ):
        current = chosen.get(certificate.enrolment_id)
        if current is None or current.state != "valid":
            chosen[certificate.enrolment_id] = certificate
    return chosen


#: What counts as activity, besides signing in: (whose, when) columns.
ACTIVITY = (
    (LessonProgress.user_id, LessonProgress.completed_at),
    (QuizAttempt.user_id, QuizAttempt.started_at),
    (QuizAttempt.user_id, QuizAttempt.submitted_at),
    (Submission.user_id, Submission.updated_at),
)


@cache
def _activity_select() -> Select:
    """Each of people `ids`, when they last signed in and the latest moment of each ACTIVITY:
    built once, since building it costs more than running it."""
    latest = [
        select(func.max(moment)).where(owner == User.id).scalar_subquery()
        for owner, moment in ACTIVITY
    ]
    return select(User.id, User.last_seen_at, *latest).where(User.id.in_(bindparam("ids", expanding=True)))


def last_activity(user_ids) -> dict[int, datetime | None]:
    """When each person last signed in, read a lesson or worked on an assessment: one query."""
    user_ids = list(set(user_ids))
    if not user_ids:
        return {}
    found: dict[int, datetime | None] = defaultdict(lambda: None)
    for user_id, *moments in db.session.execute(_activity_select(), {"ids": user_ids}):
        moments = [moment for moment in moments if moment is not None]
        found[user_id] = max(moments) if moments else None
    return {user_id: found[user_id] for user_id in user_ids}
