"""Attendance registers and the figures made from them.

A participant's attendance counts the sessions whose register marked them present or late,
out of those marked present, late or absent: excused absences leave the denominator, and so
do sessions held before they joined the cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, bindparam, case, func, or_, select

from app.audit.services import record
from app.auth.models import User
from app.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, LiveSession
from app.cohorts.services import CohortError, enrolments_of
from app.cohorts.sessions import sessions_of
from app.extensions import db
from app.signals import progress_recorded
from app.timeutil import format_datetime

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
COUNTED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT)
#: The attendance rule as two sums over Attendance rows: sessions attended, sessions counted.
ATTENDANCE_SUMS = (
    func.sum(case((Attendance.status.in_(ATTENDED), 1), else_=0)),
    func.sum(case((Attendance.status.in_(COUNTED), 1), else_=0)),
)


@dataclass(frozen=True)
class AttendanceFigure:
    attended: int = 0
    counted: int = 0

    @property
    def percent(self) -> int | None:
        return None if self.counted == 0 else round(100 * self.attended / self.counted)

    def meets(self, threshold: int) -> bool:
        """Met when nothing has counted yet, or the share attended reaches the threshold."""
        return self.counted == 0 or 100 * self.attended >= threshold * self.counted

    def __add__(self, other: "AttendanceFigure") -> "AttendanceFigure":
        return AttendanceFigure(self.attended + other.attended, self.counted + other.counted)

    def describe(self, threshold: int) -> str:
        if self.counted == 0:
            return f"No sessions counted yet; {threshold}% needed"
        return f"{self.attended} of {self.counted} sessions ({self.percent}%); {threshold}% needed"


def expected_enrolments(session: LiveSession) -> list[Enrolment]:
    """Who belongs in this session's register: everyone in the cohort when it started."""
    return db.session.scalars(
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(
            Enrolment.cohort_id == session.cohort_id,
            Enrolment.joined_at <= session.starts_at,
            or_(Enrolment.left_at.is_(None), Enrolment.left_at > session.starts_at),
        )
        .order_by(User.name)
    ).all()


def marks_for(session: LiveSession) -> dict[int, Attendance]:
    return {
        mark.enrolment_id: mark
        for mark in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }


def register_closed_reason(session: LiveSession, now: datetime) -> str | None:
    """Why this session's register cannot be taken now, or None if it can."""
    if session.is_cancelled:
        return "This session was cancelled, so it has no register"
    if not session.has_started(now):
        return f"You can take the register once the session starts, on {format_datetime(session.starts_at)}"
    return None


def record_register(session: LiveSession, *, actor, marks: dict[int, tuple[str, str | None]], now: datetime) -> int:
    """Save a whole register in one go: {enrolment_id: (status, note)}. A changed mark is
    audited with its before and after. Returns how many marks were new or changed."""
    closed = register_closed_reason(session, now)
    if closed:
        raise CohortError(closed, field="register")
    expected = {enrolment.id: enrolment for enrolment in expected_enrolments(session)}
    parsed = {}
    for enrolment_id, (status, note) in marks.items():
        enrolment = expected.get(enrolment_id)
        if enrolment is None:
            raise CohortError("Someone in the register is not in this cohort at this session", field="register")
        try:
            parsed[enrolment_id] = (AttendanceStatus(status), (note or "").strip()[:500] or None)
        except ValueError:
            raise CohortError(
                f"Choose present, late, absent or excused for {enrolment.user.name}", field=f"status-{enrolment_id}"
            ) from None
    existing = marks_for(session)
    changed = 0
    for enrolment_id, (status, note) in parsed.items():
        mark = existing.get(enrolment_id)
        if mark is None:
            db.session.add(Attendance(session_id=session.id, enrolment_id=enrolment_id, status=status, note=note,
                                      marked_by_id=actor.id, marked_at=now))
            changed += 1
        elif (mark.status, mark.note) != (status, note):
            record(actor, "attendance.amended", mark, {
                "participant": expected[enrolment_id].user.email,
                "session": session.title,
                "status": [mark.status.value, status.value],
                "note": [mark.note, note],
            })
            mark.status, mark.note, mark.marked_by_id, mark.marked_at = status, note, actor.id, now
            changed += 1
    if not existing and parsed:
        record(actor, "register.taken", session, {"marks": len(parsed)})
    db.session.flush()
    progress_recorded.send(enrolments=[expected[enrolment_id] for enrolment_id in parsed], actor=actor)
    return changed


def sessions_counted_for(enrolment: Enrolment) -> list[LiveSession]:
    """The sessions of the enrolment's cohort that count for it: not cancelled, since it joined."""
    return db.session.scalars(
        select(LiveSession).where(
            LiveSession.cohort_id == enrolment.cohort_id, LiveSession.cancelled_at.is_(None),
            LiveSession.starts_at >= enrolment.joined_at,
        ).order_by(LiveSession.starts_at)
    ).all()


def marks_of(enrolment: Enrolment) -> dict[int, Attendance]:
    """The enrolment's attendance marks, by session id."""
    return {mark.session_id: mark for mark in db.session.scalars(
        select(Attendance).where(Attendance.enrolment_id == enrolment.id)
    )}


@cache
def _figure_selects() -> tuple[Select, Select]:
    """The enrolments transferred into enrolments `ids`, and the attendance sums of enrolments
    `ids`: built once, since building them costs more than running them."""
    ids = bindparam("ids", expanding=True)
    earlier = select(Enrolment.id, Enrolment.transferred_to_id).where(Enrolment.transferred_to_id.in_(ids))
    sums = (
        select(Attendance.enrolment_id, *ATTENDANCE_SUMS)
        .join(LiveSession, LiveSession.id == Attendance.session_id)
        .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
        .where(
            Attendance.enrolment_id.in_(ids),
            LiveSession.cancelled_at.is_(None),
            LiveSession.starts_at >= Enrolment.joined_at,
        )
        .group_by(Attendance.enrolment_id)
    )
    return earlier, sums


def figures_for(enrolment_ids: list[int]) -> dict[int, AttendanceFigure]:
    """Attendance of each enrolment, with the marks of any enrolment transferred into it,
    from a bounded number of queries however many there are."""
    if not enrolment_ids:
        return {}
    earlier_select, sums_select = _figure_selects()
    owners = {enrolment_id: enrolment_id for enrolment_id in enrolment_ids}
    frontier = list(enrolment_ids)
    while frontier:  # follow transfers back: one query per step of the longest chain
        earlier = db.session.execute(earlier_select, {"ids": frontier}).all()
        for enrolment_id, moved_to in earlier:
            owners[enrolment_id] = owners[moved_to]
        frontier = [enrolment_id for enrolment_id, _ in earlier]
    figures = {enrolment_id: AttendanceFigure() for enrolment_id in enrolment_ids}
    for enrolment_id, attended, counted in db.session.execute(sums_select, {"ids": list(owners)}):
        owner = owners[enrolment_id]
        figures[owner] = figures[owner] + AttendanceFigure(int(attended or 0), int(counted or 0))
    return figures


@dataclass
class AttendanceMatrix:
    sessions: list[LiveSession]
    enrolments: list[Enrolment]
    #: (enrolment id, session id) -> the mark's status
    marks: dict[tuple[int, int], AttendanceStatus]
    figures: dict[int, AttendanceFigure]
    threshold: int

    def expected(self, enrolment: Enrolment, session: LiveSession) -> bool:
        return enrolment.joined_at <= session.starts_at and (
            enrolment.left_at is None or enrolment.left_at > session.starts_at
        )

    def cells(self, enrolment: Enrolment, now: datetime) -> list[tuple[str, bool]]:
        """What the row says under each session, and whether it is said quietly (small type):
        a mark aloud; not in the cohort then, to come or not marked quietly."""
        cells = []
        for session in self.sessions:
            status = self.marks.get((enrolment.id, session.id))
            if not self.expected(enrolment, session):
                cells.append(("Not in cohort", True))
            elif status:
                cells.append((status.label, False))
            else:
                cells.append(("To come" if session.starts_at > now else "Not marked", True))
        return cells


def attendance_matrix(cohort: Cohort) -> AttendanceMatrix:
    """Participants × sessions with each person's percentage: five queries at any size."""
    sessions = [s for s in sessions_of(cohort) if not s.is_cancelled]
    enrolments = enrolments_of(cohort)
    marks = {
        (enrolment_id, session_id): status
        for enrolment_id, session_id, status in db.session.execute(
            select(Attendance.enrolment_id, Attendance.session_id, Attendance.status)
            .join(LiveSession, LiveSession.id == Attendance.session_id)
            .where(and_(LiveSession.cohort_id == cohort.id, LiveSession.cancelled_at.is_(None)))
        )
    }
    return AttendanceMatrix(
        sessions=sessions,
        enrolments=enrolments,
        marks=marks,
        figures=figures_for([e.id for e in enrolments]),
        threshold=cohort.course_version.attendance_threshold,
    )
