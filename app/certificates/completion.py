"""The completion rule: one function says whether an enrolment is complete, and why not.

Every required lesson read, every required assessment passed, and attendance at least the
course's threshold (excused absences leave the denominator), settled only once the cohort has
held as many live sessions as the course plans and every one since the participant joined is
marked: never with no session counted. Someone who joined too late to attend what the course
needs is told so; the programme team can still issue their certificate on demand. The
participant, their facilitator and their council lead all see this same checklist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.certificates.models import Certificate
from app.assessments.services import assessments_of, statuses_for
from app.certificates.services import issue_certificate, issue_many, revoked_enrolment_ids
from app.cohorts.attendance import AttendanceFigure, figures_for
from app.cohorts.models import Attendance, Cohort, Enrolment, EnrolmentStatus, LiveSession
from app.courses.models import Assessment, CourseVersion, Lesson, LessonProgress, Module
from app.extensions import db
from app.signals import progress_recorded
from app.timeutil import utcnow

#: Another attendance mark and another enrolment, for subqueries beside the main ones. Made
#: once: making an alias costs more than the rest of a statement that uses it.
OTHER_MARK = aliased(Attendance)
EARLIER = aliased(Enrolment)


@dataclass(frozen=True)
class Criterion:
    name: str
    met: bool
    #: Plain English: "Attendance: 9 of 12 sessions (75%); 80% needed".
    detail: str
    #: What the criterion is about, for a link: a module (its lessons), an assessment, or
    #: nothing (attendance).
    about: Module | Assessment | None = None


@dataclass(frozen=True)
class Completion:
    criteria: list[Criterion]

    @property
    def complete(self) -> bool:
        return all(criterion.met for criterion in self.criteria)

    @property
    def left(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.met]


@dataclass(frozen=True)
class LessonTallies:
    """The lessons of each module of some versions, all and required, and how many of each
    the people read: what both the checklist and the reports' progress count from."""

    #: Rows of (Module, lessons, required), in module order.
    modules: list
    #: (user id, module id) -> (lessons read, required lessons read).
    read: dict[tuple[int, int], tuple[int, int]]

    def read_of(self, user_id: int, module_id: int) -> tuple[int, int]:
        return self.read.get((user_id, module_id), (0, 0))


@cache
def _tally_selects() -> tuple[Select, Select]:
    """The lessons of the modules of versions `versions`, and how many of them people `users`
    read: built once, since building them costs more than running them."""
    versions = bindparam("versions", expanding=True)
    modules = (
        select(Module, func.count(Lesson.id).label("lessons"),
               func.count(case((Lesson.required.is_(True), Lesson.id))).label("required"))
        .join(Lesson, Lesson.module_id == Module.id)
        .where(Module.version_id.in_(versions))
        .group_by(Module.id)
        .order_by(Module.position)
    )
    read = (
        select(LessonProgress.user_id, Lesson.module_id, func.count(LessonProgress.id),
               func.count(case((Lesson.required.is_(True), LessonProgress.id))))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonProgress.user_id.in_(bindparam("users", expanding=True)), Module.version_id.in_(versions))
        .group_by(LessonProgress.user_id, Lesson.module_id)
    )
    return modules, read


def lesson_tallies(enrolments: list[Enrolment]) -> LessonTallies:
    """Lessons and lessons read, by module, for the enrolments' versions and people. Two queries."""
    if not enrolments:
        return LessonTallies([], {})
    versions = list({e.cohort.course_version_id for e in enrolments})
    modules, read = _tally_selects()
    return LessonTallies(
        db.session.execute(modules, {"versions": versions}).all(),
        {
            (user_id, module_id): (count, required)
            for user_id, module_id, count, required in db.session.execute(
                read, {"versions": versions, "users": list({e.user_id for e in enrolments})})
        },
    )


def _lesson_criteria(enrolments: list[Enrolment], tallies: LessonTallies) -> dict[int, list[Criterion]]:
    """Per enrolment, one criterion per module with required lessons: all of them read."""
    criteria = {}
    for enrolment in enrolments:
        criteria[enrolment.id] = [
            Criterion(
                name=f"Module {module.position} lessons",
                met=tallies.read_of(enrolment.user_id, module.id)[1] >= required,
                detail=f"Module {module.position} lessons ({module.title}): "
                       f"{tallies.read_of(enrolment.user_id, module.id)[1]} of {required} read",
                about=module,
            )
            for module, _, required in tallies.modules
            if module.version_id == enrolment.cohort.course_version_id and required
        ]
    return criteria


def _assessment_criteria(enrolments: list[Enrolment], assessments, statuses) -> dict[int, list[Criterion]]:
    """Per enrolment, one criterion per required assessment of its version: passed or not."""
    required = defaultdict(list)
    for assessment in assessments:
        if assessment.required:
            required[assessment.module.version_id].append(assessment)
    labels = {assessment.id: assessment.label for assessment in assessments}
    criteria = {}
    for enrolment in enrolments:
        criteria[enrolment.id] = [
            Criterion(name=labels[assessment.id], met=statuses[(enrolment.id, assessment.id)].passed,
                      detail=f"{labels[assessment.id]}: {statuses[(enrolment.id, assessment.id)].detail}",
                      about=assessment)
            for assessment in required[enrolment.cohort.course_version_id]
        ]
    return criteria


@dataclass(frozen=True)
class HeldSessions:
    """What the attendance rule counts of an enrolment's cohort's sessions (never cancelled ones)."""

    #: Sessions held: ended, or with a register taken.
    held: int = 0
    #: Held before the participant joined: they never count for or against them.
    before_joining: int = 0
    #: Since they joined, still to come or with a register that does not mark them yet.
    unmarked: int = 0
    #: Moved here from another cohort, whose marks count too: never a late joiner.
    transferred_in: bool = False


@cache
def _held_select() -> Select:
    """HeldSessions' counts of enrolments `ids` at `now`, built once (see _tally_selects)."""
    register_taken = (select(OTHER_MARK.id).where(OTHER_MARK.session_id == LiveSession.id)
                      .correlate(LiveSession).exists())
    held = (LiveSession.ends_at <= bindparam("now")) | register_taken
    since_joining = LiveSession.starts_at >= Enrolment.joined_at
    transferred_in = select(EARLIER.id).where(EARLIER.transferred_to_id == Enrolment.id).correlate(Enrolment).exists()
    return (
        select(
            Enrolment.id,
            func.sum(case((held, 1), else_=0)),
            func.sum(case((held & ~since_joining, 1), else_=0)),
            func.sum(case((since_joining & Attendance.id.is_(None), 1), else_=0)),
            func.max(case((transferred_in, 1), else_=0)),
        )
        .join(LiveSession, LiveSession.cohort_id == Enrolment.cohort_id)
        .outerjoin(Attendance, (Attendance.session_id == LiveSession.id) & (Attendance.enrolment_id == Enrolment.id))
        .where(Enrolment.id.in_(bindparam("ids", expanding=True)), LiveSession.cancelled_at.is_(None))
        .group_by(Enrolment.id)
    )


def _held_sessions(enrolments: list[Enrolment], now: datetime) -> dict[int, HeldSessions]:
    """HeldSessions of each enrolment. One query."""
    rows = db.session.execute(_held_select(), {"now": now, "ids": [e.id for e in enrolments]}).all()
    counts = {
        enrolment_id: HeldSessions(int(held or 0), int(before or 0), int(unmarked or 0), bool(moved))
        for enrolment_id, held, before, unmarked, moved in rows
    }
    return {e.id: counts.get(e.id, HeldSessions()) for e in enrolments}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _attendance_criterion(figure: AttendanceFigure, version: CourseVersion, sessions: HeldSessions) -> Criterion:
    """Met once the cohort has held every planned session, each since the participant joined
    is marked, and they attended at least the threshold of those counted (never of none)."""
    threshold, planned = version.attendance_threshold, version.live_sessions
    needed = -(-threshold * planned // 100)
    remaining = planned - sessions.before_joining
    if remaining < needed and not sessions.transferred_in:
        return Criterion("Attendance", False, (
            f"Attendance: joined after {sessions.before_joining} of the {planned} planned sessions, so only "
            f"{remaining} remain and {needed} are needed; the programme team can still issue the certificate"
        ))
    detail = f"Attendance: {figure.describe(threshold)}"
    if sessions.held < planned:
        detail += f"; {sessions.held} of {_plural(planned, 'planned session')} held"
    if sessions.unmarked:
        detail += f"; {_plural(sessions.unmarked, 'session')} still to come or to be marked"
    met = sessions.held >= planned and not sessions.unmarked and figure.counted > 0 and figure.meets(threshold)
    return Criterion("Attendance", met, detail)


def completions_for(enrolments: list[Enrolment], now: datetime | None = None, *, tallies=None, assessments=None,
                    statuses=None, attendance=None) -> dict[int, Completion]:
    """The completion checklist of each enrolment, in a bounded number of queries. A caller
    that has the lessons read (lesson_tallies), the versions' assessments (assessments_of),
    the enrolments' statuses (statuses_for) or their attendance (figures_for) already passes
    them in, so that they are not read twice."""
    if not enrolments:
        return {}
    lessons = _lesson_criteria(enrolments, tallies or lesson_tallies(enrolments))
    if assessments is None:
        assessments = assessments_of({e.cohort.course_version_id for e in enrolments})
    if statuses is None:
        statuses = statuses_for(enrolments, assessments)
    assessments = _assessment_criteria(enrolments, assessments, statuses)
    if attendance is None:
        attendance = figures_for([e.id for e in enrolments])
    held = _held_sessions(enrolments, now or utcnow())
    return {
        enrolment.id: Completion(
            lessons[enrolment.id]
            + assessments[enrolment.id]
            + [_attendance_criterion(attendance[enrolment.id], enrolment.cohort.course_version, held[enrolment.id])]
        )
        for enrolment in enrolments
    }


def completion_for(enrolment: Enrolment) -> Completion:
    """The completion checklist of one enrolment."""
    return completions_for([enrolment])[enrolment.id]


def complete_if_done(enrolment: Enrolment, *, actor: User | None = None) -> Certificate | None:
    """Issue the certificate the moment the last criterion is met; the certificate or None."""
    issued = complete_all_done(enrolments=[enrolment], actor=actor)
    return issued[0] if issued else None


@progress_recorded.connect
def complete_all_done(sender: object = None, *, enrolments: list[Enrolment], actor: User | None = None) -> list[Certificate]:
    """complete_if_done for many enrolments at once; run on every `progress_recorded`."""
    active = _lock_active(enrolments)
    done = completions_for(active)
    return [issue_certificate(e, actor=actor) for e in active if done[e.id].complete]


def _lock_active(enrolments: list[Enrolment]) -> list[Enrolment]:
    """The enrolments still active and never revoked, their rows locked (in id order, so two
    writers never deadlock) until this transaction ends. A writer that completes someone at the
    same instant as another waits here, then reads the other's committed work: whichever
    checks last sees every criterion met."""
    ids = sorted({e.id for e in enrolments})
    if not ids:
        return []
    statuses = dict(db.session.execute(
        select(Enrolment.id, Enrolment.status).where(Enrolment.id.in_(ids)).order_by(Enrolment.id).with_for_update()
    ).all())
    revoked = revoked_enrolment_ids(ids)
    return [e for e in {e.id: e for e in enrolments}.values()
            if statuses.get(e.id) is EnrolmentStatus.ACTIVE and e.id not in revoked]


def sweep(batch: int = 500) -> dict[str, int]:
    """The periodic catch-up: issue any certificate that was earned but missed (a crash
    between the last criterion and the certificate, say), rendering on every core."""
    now = utcnow()
    issued = 0
    due = _may_be_complete(now)
    for start in range(0, len(due), batch):
        chunk = due[start:start + batch]
        done = completions_for(chunk, now)
        issued += len(issue_many([e for e in chunk if done[e.id].complete], actor=None))
    return {"issued": issued}


def _may_be_complete(now: datetime) -> list[Enrolment]:
    """The active enrolments that may be complete, so that the checklist is worked out for the
    few who may be due, not for everyone learning or everyone who ever learnt: SQL picks out
    those whose cohort has held every planned session, who are marked in each since they
    joined, and who have read every required lesson. Each is needed for completion;
    completions_for judges the rest. Two queries: the cohorts first (those with someone still
    active), so that only their people are examined."""
    register_taken = select(OTHER_MARK.id).where(OTHER_MARK.session_id == LiveSession.id).exists()
    held = (
        select(func.count(LiveSession.id))
        .where(LiveSession.cohort_id == Cohort.id, LiveSession.cancelled_at.is_(None),
               (LiveSession.ends_at <= now) | register_taken)
        .scalar_subquery()
    )
    finished = db.session.scalars(
        select(Cohort.id).join(CourseVersion, CourseVersion.id == Cohort.course_version_id)
        .where(held >= CourseVersion.live_sessions, select(Enrolment.id).where(
            Enrolment.cohort_id == Cohort.id, Enrolment.status == EnrolmentStatus.ACTIVE).exists())
    ).all()
    if not finished:
        return []
    unmarked = select(LiveSession.id).where(
        LiveSession.cohort_id == Enrolment.cohort_id, LiveSession.cancelled_at.is_(None),
        LiveSession.starts_at >= Enrolment.joined_at,
        ~select(Attendance.id).where(Attendance.session_id == LiveSession.id, Attendance.enrolment_id == Enrolment.id)
        .correlate_except(Attendance).exists(),
    ).exists()
    required = (
        select(func.count(Lesson.id)).join(Module, Module.id == Lesson.module_id)
        .where(Module.version_id == Cohort.course_version_id, Lesson.required.is_(True))
        .scalar_subquery()
    )
    read = (
        select(func.count(LessonProgress.id)).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonProgress.user_id == Enrolment.user_id, Module.version_id == Cohort.course_version_id,
               Lesson.required.is_(True))
        .scalar_subquery()
    )
    return db.session.scalars(
        select(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.status == EnrolmentStatus.ACTIVE, Enrolment.cohort_id.in_(finished), ~unmarked,
               read >= required)
        .order_by(Enrolment.id)
    ).all()
