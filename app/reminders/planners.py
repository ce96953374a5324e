"""Every reminder the service sends, each kind with its planner (see kinds.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.auth.models import Role
from app.auth.services import make_token
from app.extensions import db
from app.reminders.kinds import PlannedReminder, reminder_kind
from app.urls import absolute_url

INVITATION_NUDGE_AFTER = timedelta(days=3)


@reminder_kind(
    "invitation_unaccepted",
    "Your invitation has not been accepted yet",
    audience=set(Role),
    optional=False,
)
def invitations_not_accepted(now: datetime):
    """Once, 3 days after an invitation, to people who have not yet set a password."""
    waiting = db.session.scalars(
        select(User).where(
            User.password_hash.is_(None),
            User.active.is_(True),
            User.invited_at <= now - INVITATION_NUDGE_AFTER,
        )
    )
    for user in waiting:
        link = absolute_url("auth.set_password", token=make_token(user, "invitation"))
        yield PlannedReminder(
            user=user,
            dedupe_key=f"invitation-3d:{user.id}:{user.invited_at:%Y%m%d%H%M}",
            template="invitation_reminder",
            context={"link": link},
        )
