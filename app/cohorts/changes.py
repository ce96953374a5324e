"""Which cohorts each write changed, so that a page worked out from many rows can be kept
(app/kept.py) for as long as nothing it shows has changed.

A cohort's dashboard and attendance matrix, and a council's people, read participants'
lessons, attempts, submissions, marks, certificates, sessions and names. Every flush is looked at, so no write through the ORM
can forget to say what it changed: the cohorts it touched each get a CohortChange row in the
same transaction, and a cohort's revision is how many rows it has, the latest, and when its
next session starts or ends. Counting
them, rather than taking the newest id, also sees a transaction that began first and committed
last. The scheduler folds old rows away each hour (`compact`), so counting stays cheap.
What a person does (reads, attempts, submits, is marked, is renamed) changes every
cohort they have a place in; a council's new name, each of its people's; a course version's
content, each cohort on it. Writes that go around the ORM (bulk UPDATEs) are not seen; none
touch these tables.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Integer, Select, bindparam, case, delete, event, func, insert, select, union
from sqlalchemy.orm import Session, aliased

from app.assessments.models import QuizAttempt, Submission
from app.auth.models import User
from app.certificates.models import Certificate
from app.cohorts.models import Attendance, Cohort, CohortChange, Enrolment, LiveSession, ModuleSchedule
from app.councils.models import Council
from app.courses.models import Assessment, CourseVersion, Lesson, LessonProgress, Module
from app.extensions import db
from app.timeutil import utcnow

#: Each watched model: what kind of thing each of its attributes names, that leads to cohorts.
WATCHED = {
    Cohort: (("cohorts", "id"),),
    LiveSession: (("cohorts", "cohort_id"),),
    ModuleSchedule: (("cohorts", "cohort_id"),),
    Enrolment: (("users", "user_id"),),
    Attendance: (("enrolments", "enrolment_id"),),
    LessonProgress: (("users", "user_id"),),
    QuizAttempt: (("users", "user_id"),),
    Submission: (("users", "user_id"),),
    Certificate: (("enrolments", "enrolment_id"),),
    User: (("users", "id"),),
    Council: (("councils", "id"),),
    CourseVersion: (("versions", "id"),),
    Module: (("versions", "version_id"),),
    Lesson: (("modules", "module_id"),),
    Assessment: (("modules", "module_id"),),
}
KINDS = ("cohorts", "users", "enrolments", "councils", "versions", "modules")


@cache
def _touched_select() -> Select:
    """The cohorts that still exist among those named, or of the people, enrolments' people,
    councils' people, versions and modules' versions named: built once, as a union of
    lookups that each read an index, so that a write costs the same at any size."""
    ids = {kind: bindparam(kind, expanding=True) for kind in KINDS}
    placed = Enrolment.cohort_id
    other = aliased(Enrolment)
    return union(
        select(Cohort.id).where(Cohort.id.in_(ids["cohorts"])),
        select(placed).where(Enrolment.user_id.in_(ids["users"])),
        select(placed).join(other, other.user_id == Enrolment.user_id).where(other.id.in_(ids["enrolments"])),
        select(placed).join(User, User.id == Enrolment.user_id).where(User.council_id.in_(ids["councils"])),
        select(Cohort.id).where(Cohort.course_version_id.in_(ids["versions"])),
        select(Cohort.id).join(Module, Module.version_id == Cohort.course_version_id)
        .where(Module.id.in_(ids["modules"])),
    )


@event.listens_for(Session, "before_flush")
def _load_the_deleted(session, _context, _instances) -> None:
    """Load what a row about to be deleted names, while the row is there."""
    for obj in session.deleted:
        for _, attribute in WATCHED.get(type(obj), ()):
            getattr(obj, attribute)


@event.listens_for(Session, "after_flush")
def _record(session, _context) -> None:
    """Add a CohortChange for each cohort this flush's new, changed and removed rows touched."""
    named: dict[str, set[int]] = defaultdict(set)
    for obj in (*session.new, *session.dirty, *session.deleted):
        watched = WATCHED.get(type(obj))
        if watched is None or (obj in session.dirty and not session.is_modified(obj, include_collections=False)):
            continue
        for kind, attribute in watched:
            if (value := getattr(obj, attribute)) is not None:
                named[kind].add(value)
    if not named:
        return
    connection = session.connection()
    cohorts = connection.execute(_touched_select(), {kind: list(named[kind]) for kind in KINDS}).scalars().all()
    if cohorts:
        now = utcnow()
        connection.execute(insert(CohortChange.__table__), [{"cohort_id": c, "at": now} for c in sorted(cohorts)])


def revision_columns(cohort_ids: Select) -> tuple:
    """Columns that sum up the cohorts whose ids `cohort_ids` (a select of one column) gives: how many
    changes they have, the latest, and the first moment after the bound `now` when one of
    their sessions starts or ends. The same while no committed write has touched them and no
    session has started or ended; read them before anything a kept page is made from."""
    now = bindparam("now")
    next_moment = func.min(case((LiveSession.starts_at > now, LiveSession.starts_at), else_=LiveSession.ends_at))
    return (
        select(func.count()).select_from(CohortChange).where(CohortChange.cohort_id.in_(cohort_ids)).scalar_subquery(),
        select(func.max(CohortChange.at)).where(CohortChange.cohort_id.in_(cohort_ids)).scalar_subquery(),
        select(next_moment).where(LiveSession.cohort_id.in_(cohort_ids), LiveSession.cancelled_at.is_(None),
                                  LiveSession.ends_at > now).scalar_subquery(),
    )


@cache
def _revision_select() -> Select:
    return select(*revision_columns(select(bindparam("cohort_id", type_=Integer))))


def revision(cohort_id: int, now: datetime) -> tuple:
    """Cohort `cohort_id`'s revision at `now` (see revision_columns)."""
    return tuple(db.session.execute(_revision_select(), {"cohort_id": cohort_id, "now": now}).one())


#: How long a cohort's changes are kept before they are folded into its newest one.
KEPT_FOR = timedelta(hours=1)


def compact(now: datetime) -> dict[str, int]:
    """Delete each cohort's changes older than KEPT_FOR but its newest: a cohort's revision
    changes once more, and counting it reads a few rows rather than a whole course's worth."""
    newest = select(func.max(CohortChange.id)).group_by(CohortChange.cohort_id)
    deleted = db.session.execute(
        delete(CohortChange).where(CohortChange.at < now - KEPT_FOR, CohortChange.id.not_in(newest))
    ).rowcount
    return {"cohort changes folded": deleted}
