"""Planning reminders into the outbox, and each person's choices about them."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.services import queue_email
from app.reminders import assignment_planners, planners  # noqa: F401 - they register every kind
from app.reminders.kinds import DIGEST, KINDS, ReminderKind
from app.reminders.models import ReminderPreferences
from app.urls import absolute_url


def preferences_for(user) -> ReminderPreferences:
    return db.session.get(ReminderPreferences, user.id) or ReminderPreferences(
        user_id=user.id, opted_out=[], daily_digest=False
    )


def set_preferences(user, *, switched_off: set[str], daily_digest: bool = False) -> None:
    """Save which optional kinds this person has switched off."""
    unknown = switched_off - {k.name for k in KINDS.values() if k.optional}
    if unknown:
        raise ValueError(f"not optional kinds: {sorted(unknown)}")
    preferences = preferences_for(user)
    preferences.opted_out = sorted(switched_off)
    preferences.daily_digest = daily_digest
    db.session.add(preferences)
    db.session.flush()


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_link(user, kind: str) -> str:
    token = _unsubscribe_serializer().dumps({"user": user.id, "kind": kind})
    return absolute_url("reminders.unsubscribe", token=token)


def read_unsubscribe_token(token: str) -> tuple[object, ReminderKind] | None:
    """The person and kind an unsubscribe link was made for, or None if it is not genuine."""
    try:
        data = _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("user"))
    kind = KINDS.get(data.get("kind"))
    if user is None or kind is None or not kind.optional:
        return None
    return user, kind


def unsubscribe(user, kind: ReminderKind) -> None:
    preferences = preferences_for(user)
    set_preferences(
        user,
        switched_off=set(preferences.opted_out) | {kind.name},
        daily_digest=preferences.daily_digest,
    )


def plan_reminders(now: datetime) -> dict[str, int]:
    """Queue every reminder due at `now`; returns how many of each kind were new."""
    queued: dict[str, int] = {}
    for kind in KINDS.values():
        planned = list(kind.planner(now))
        if not planned:
            continue
        # Skip rendering what is already queued; the unique key still guards any race.
        keys = [p.dedupe_key for p in planned]
        existing = set(
            db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))
        )
        opted_out = _opted_out_user_ids(kind) if kind.optional else set()
        if kind.digestible:
            opted_out |= _digest_user_ids()  # their reminders of this kind go in the digest
        for reminder in planned:
            if reminder.dedupe_key in existing or reminder.user.id in opted_out:
                continue
            headers, context = {}, dict(reminder.context)
            if kind.optional:
                link = unsubscribe_link(reminder.user, kind.name)
                headers = {
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
                context |= {"unsubscribe_link": link, "kind_label": kind.label}
            message = queue_email(
                to=reminder.user.email,
                kind=kind.name,
                template=f"reminders/{reminder.template}",
                context=context,
                user=reminder.user,
                dedupe_key=reminder.dedupe_key,
                attachments=reminder.attachments,
                headers=headers,
                expires_at=reminder.expires_at,
            )
            if message is not None:
                queued[kind.name] = queued.get(kind.name, 0) + 1
    return queued


def _digest_user_ids() -> set[int]:
    rows = db.session.execute(
        select(ReminderPreferences.user_id, ReminderPreferences.opted_out).where(ReminderPreferences.daily_digest.is_(True))
    )
    return {user_id for user_id, opted_out in rows if DIGEST not in (opted_out or [])}


def _opted_out_user_ids(kind: ReminderKind) -> set[int]:
    rows = db.session.execute(select(ReminderPreferences.user_id, ReminderPreferences.opted_out))
    return {user_id for user_id, opted_out in rows if kind.name in (opted_out or [])}
