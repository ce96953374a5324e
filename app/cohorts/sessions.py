"""Live sessions: planning, moving and cancelling them, and telling the people affected."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, lazyload

from app.audit.services import record
from app.auth.models import User
from app.cohorts.calendar import session_ics_attachment
from app.cohorts.models import Attendance, Cohort, Enrolment, EnrolmentStatus, LiveSession, cohort_facilitator
from app.cohorts.services import CohortError
from app.extensions import db
from app.mail.services import queue_email
from app.timeutil import format_datetime, utcnow
from app.urls import absolute_url


def _validate(starts_at: datetime, ends_at: datetime, location: str | None, join_url: str | None) -> None:
    if ends_at <= starts_at:
        raise CohortError("The session must end after it starts", field="ends_at")
    if join_url:
        parts = urlsplit(join_url)
        if parts.scheme != "https" or not parts.netloc:
            raise CohortError("Enter a joining link that starts with https://", field="join_url")
    if not (location or join_url):
        raise CohortError("Enter a place or an online joining link", field="location")


def create_session(cohort: Cohort, *, actor, title: str, module, starts_at: datetime, ends_at: datetime,
                   location: str | None, join_url: str | None) -> LiveSession:
    _check_module(cohort, module)
    _validate(starts_at, ends_at, location, join_url)
    session = LiveSession(
        cohort=cohort, module=module, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
        location=(location or "").strip() or None, join_url=(join_url or "").strip() or None,
    )
    db.session.add(session)
    db.session.flush()
    record(actor, "session.created", session, {"title": session.title, "starts_at": str(starts_at)})
    return session


def _check_module(cohort: Cohort, module) -> None:
    if module is not None and module.version_id != cohort.course_version_id:
        raise CohortError("Choose a module of this cohort's course", field="module")


def update_session(session: LiveSession, *, actor, title: str, module, starts_at: datetime, ends_at: datetime,
                   location: str | None, join_url: str | None) -> None:
    """Change a session; if its time or place moved, everyone in the cohort is told."""
    if session.is_cancelled:
        raise CohortError("A cancelled session cannot be changed", field="title")
    _check_module(session.cohort, module)
    _validate(starts_at, ends_at, location, join_url)
    before = {
        "starts_at": session.starts_at, "ends_at": session.ends_at,
        "location": session.location, "join_url": session.join_url,
    }
    session.title, session.module = title.strip(), module
    session.starts_at, session.ends_at = starts_at, ends_at
    session.location = (location or "").strip() or None
    session.join_url = (join_url or "").strip() or None
    after = {key: getattr(session, key) for key in before}
    changed = {key: [str(before[key]), str(after[key])] for key in before if before[key] != after[key]}
    session.sequence += 1
    session.updated_at = utcnow()
    record(actor, "session.updated", session, changed)
    if changed:
        _tell_everyone(session, "session_moved", previous_start=before["starts_at"])


def cancel_session(session: LiveSession, *, actor, reason: str) -> None:
    if session.is_cancelled:
        raise CohortError("This session is already cancelled", field="reason")
    session.cancelled_at = utcnow()
    session.sequence += 1
    record(actor, "session.cancelled", session, {"reason": reason.strip()})
    _tell_everyone(session, "session_cancelled", reason=reason.strip())


def people_of(cohort: Cohort) -> list:
    """Everyone a change to the cohort's timetable affects: its active participants and
    facilitators, each once even if they hold both roles."""
    participants = db.session.scalars(
        select(User).join(Enrolment, Enrolment.user_id == User.id).where(
            Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ACTIVE
        )
    ).all()
    unique = {person.id: person for person in [*participants, *cohort.facilitators]}
    return list(unique.values())


def _tell_everyone(session: LiveSession, template: str, **context) -> None:
    link = absolute_url("cohorts.timetable_redirect")
    for person in people_of(session.cohort):
        queue_email(
            to=person.email,
            kind=template,
            template=f"cohorts/{template}",
            user=person,
            dedupe_key=f"{template}:{session.id}:{session.sequence}:{person.id}",
            context={"session": session, "when": format_datetime(session.starts_at), "link": link,
                     "previous_when": format_datetime(context.pop("previous_start", None)), **context},
            attachments=(session_ics_attachment(session),),
        )


def sessions_of_cohorts(cohorts) -> list[LiveSession]:
    """Every session of these cohorts, cancelled ones too, in time order."""
    return db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id.in_([c.id for c in cohorts])).order_by(LiveSession.starts_at)
    ).all()


def sessions_of(cohort: Cohort) -> list[LiveSession]:
    """The cohort's sessions in time order, each pointing at the cohort in hand rather than
    a copy joined to every row."""
    return db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id == cohort.id).order_by(LiveSession.starts_at)
        .options(lazyload(LiveSession.cohort))
    ).all()


def sessions_with_registers(cohort: Cohort) -> set[int]:
    """The ids of the cohort's sessions whose register someone has taken."""
    return set(db.session.scalars(
        select(Attendance.session_id).distinct().join(LiveSession).where(LiveSession.cohort_id == cohort.id)
    ))


def registers_to_take(now: datetime | None = None, *, cohort: Cohort | None = None, facilitator=None,
                      ended_after: datetime | None = None) -> list[LiveSession]:
    """Sessions that have ended (by `now`, or now; after `ended_after`, if given) with nobody
    marked, though someone was in the cohort, oldest first: of one cohort, or of every cohort a
    facilitator runs. Each with its cohort and the cohort's facilitators. Two queries."""
    now = now or utcnow()
    someone_expected = exists().where(
        Enrolment.cohort_id == LiveSession.cohort_id,
        Enrolment.joined_at <= LiveSession.starts_at,
        or_(Enrolment.left_at.is_(None), Enrolment.left_at > LiveSession.starts_at),
    )
    statement = select(LiveSession).where(
        LiveSession.cancelled_at.is_(None),
        LiveSession.ends_at <= now,
        ~exists().where(Attendance.session_id == LiveSession.id),
        someone_expected,
    )
    if ended_after is not None:
        statement = statement.where(LiveSession.ends_at > ended_after)
    if cohort is not None:
        statement = statement.where(LiveSession.cohort_id == cohort.id)
    if facilitator is not None:
        runs = select(cohort_facilitator.c.cohort_id).where(cohort_facilitator.c.user_id == facilitator.id)
        statement = statement.where(LiveSession.cohort_id.in_(runs))
    statement = statement.options(joinedload(LiveSession.cohort).selectinload(Cohort.facilitators))
    return db.session.scalars(statement.order_by(LiveSession.starts_at)).all()
