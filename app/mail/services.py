"""Putting email into the outbox. Nothing here talks to a mail server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus
from app.timeutil import utcnow


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def queue_email(
    *,
    to: str,
    kind: str,
    template: str,
    context: dict,
    user=None,
    dedupe_key: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    headers: dict[str, str] | None = None,
    expires_at: datetime | None = None,
) -> OutboxMessage | None:
    """Render `template` ("package/name": `<package>/emails/<name>.{subject.txt,txt,html}`,
    beside the package that sends it) into the outbox.

    With a dedupe key, a second message with the same key is not queued: the unique
    constraint refuses it, so two planners racing can never both insert. Returns the new
    message, or None when it was a duplicate. A message still unsent at `expires_at` is dropped.
    """
    context = {"recipient_email": to, "user": user, **context}
    package, name = template.split("/")
    path = f"{package}/emails/{name}"
    subject = render_template(f"{path}.subject.txt", **context).strip()
    message = OutboxMessage(
        recipient=to,
        user_id=user.id if user is not None else None,
        kind=kind,
        dedupe_key=dedupe_key or f"{kind}:{uuid.uuid4()}",
        subject=subject,
        body_text=render_template(f"{path}.txt", **context),
        body_html=render_template(f"{path}.html", subject=subject, **context),
        headers=headers or {},
        expires_at=expires_at,
        attachments=[
            OutboxAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
            for a in attachments
        ],
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def outbox_page(status: str, kind: str, per_page: int = 50):
    """One page of the outbox, newest first, filtered by status and kind."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in OutboxStatus.__members__.values():
        statement = statement.where(OutboxMessage.status == status)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return db.paginate(statement, per_page=per_page, error_out=False)


def status_counts() -> dict[str, int]:
    """How many messages the outbox holds in each status."""
    return dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def kinds_sent() -> list[str]:
    """Every kind of message the outbox holds, in order."""
    return list(db.session.scalars(select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind)).all())


def retry(message: OutboxMessage) -> bool:
    """Queue a failed message to be sent again; False if it had not failed."""
    if message.status != OutboxStatus.FAILED:
        return False
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    return True
