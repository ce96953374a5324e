"""Planning reminders into the outbox, and each person's choices about them."""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Iterable, Iterator

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.mail.services import Email, queue_emails, queued_already
from app.reminders import assignment_planners, planners  # noqa: F401 - they register every kind
from app.reminders.kinds import DIGEST, KINDS, PlannedReminder, ReminderKind
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


def plan_reminders(now: datetime, batch: int = 500) -> dict[str, int]:
    """Queue every reminder due at `now`; returns how many of each kind were new. A few
    statements per `batch` reminders, however many are due."""
    rows = db.session.execute(
        select(ReminderPreferences.user_id, ReminderPreferences.opted_out, ReminderPreferences.daily_digest)
    ).all()
    choices = {user_id: opted_out or [] for user_id, opted_out, _ in rows}
    digest_takers = {user_id for user_id, opted_out, digest in rows if digest and DIGEST not in (opted_out or [])}
    queued: dict[str, int] = {}
    for kind in KINDS.values():
        skipped = set()
        if kind.optional:
            skipped = {user_id for user_id, opted_out in choices.items() if kind.name in opted_out}
        if kind.digestible:
            skipped |= digest_takers  # their reminders of this kind go in the digest
        wanted = (reminder for reminder in kind.planner(now) if reminder.user.id not in skipped)
        for chunk in _batches(wanted, batch):
            # Skip rendering what is already queued; the unique key still guards any race.
            existing = queued_already([reminder.dedupe_key for reminder in chunk])
            emails = _emails(kind, [reminder for reminder in chunk if reminder.dedupe_key not in existing])
            count = len(queue_emails(emails))
            if count:
                queued[kind.name] = queued.get(kind.name, 0) + count
    return queued


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _emails(kind: ReminderKind, reminders: list[PlannedReminder]) -> list[Email]:
    """The email of each reminder; an optional kind's with its unsubscribe link, one per person."""
    links: dict[int, str] = {}
    emails = []
    for reminder in reminders:
        headers, context = {}, dict(reminder.context)
        if kind.optional:
            if reminder.user.id not in links:
                links[reminder.user.id] = unsubscribe_link(reminder.user, kind.name)
            link = links[reminder.user.id]
            headers = {
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            context |= {"unsubscribe_link": link, "kind_label": kind.label}
        emails.append(Email(
            to=reminder.user.email,
            kind=kind.name,
            template=f"reminders/{reminder.template}",
            context=context,
            user=reminder.user,
            dedupe_key=reminder.dedupe_key,
            attachments=reminder.attachments,
            headers=headers,
            expires_at=reminder.expires_at,
        ))
    return emails
