"""Demonstration email for the admin's outbox, on top of the other demos.

A reminder of the last workshop that expired unsent (as if the scheduler had been down when it
was due), a password reset the mail server has put off three times and will be tried again in
a few minutes, and one it refused for good, so the outbox shows every state and "Retry all
failed" has something to do. Idempotent: each is found by its dedupe key and made only if missing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.cohorts.models import LiveSession
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email
from app.timeutil import format_datetime, utcnow
from app.urls import absolute_url

PARTICIPANT = "participant@adur-worthing.example.gov.uk"
LEAD = "lead@non-signatory.example.gov.uk"


def load_outbox_demo() -> None:
    """Add the demo's expired, retrying and failed emails, if they are missing."""
    now = utcnow()
    participant = db.session.scalar(select(User).where(User.email == PARTICIPANT))
    lead = db.session.scalar(select(User).where(User.email == LEAD))
    held = db.session.scalar(
        select(LiveSession).where(LiveSession.starts_at < now, LiveSession.cancelled_at.is_(None))
        .order_by(LiveSession.starts_at.desc())
    )
    if held is not None:
        _email("demo:session-1h", participant, "session_1h", "reminders/session_soon",
               {"session": held, "when": format_datetime(held.starts_at), "soon": "1h", "today": True,
                "link": absolute_url("cohorts.timetable")},
               expires_at=held.starts_at, status=OutboxStatus.EXPIRED, created_at=held.starts_at - timedelta(hours=1))
    reset = {"link": absolute_url("auth.login"), "hours": 2}
    _email("demo:reset-greylisted", participant, "password_reset", "auth/password_reset", reset,
           attempts=3, last_error="451 4.7.1 Greylisted: please try again later",
           created_at=now - timedelta(minutes=9), next_attempt_at=now + timedelta(minutes=4))
    _email("demo:reset-refused", lead, "password_reset", "auth/password_reset", reset,
           status=OutboxStatus.FAILED, attempts=1, last_error="550 5.1.1 No such mailbox here",
           created_at=now - timedelta(hours=2))


def _email(key: str, user: User | None, kind: str, template: str, context: dict, **state) -> None:
    if user is None or db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return
    message = queue_email(to=user.email, kind=kind, template=template, context=context, user=user,
                          dedupe_key=key, expires_at=state.pop("expires_at", None))
    for name, value in state.items():
        setattr(message, name, value)
