"""Putting email into the outbox. Nothing here talks to a mail server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask import render_template
from sqlalchemy import bindparam, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.extensions import db
from app.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus
from app.timeutil import utcnow


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def _rendered(to: str, template: str, context: dict, user) -> tuple[str, str, str]:
    """The subject, text and HTML of `template` ("package/name": `<package>/emails/<name>.{subject.txt,txt,html}`,
    beside the package that sends it)."""
    context = {"recipient_email": to, "user": user, **context}
    package, name = template.split("/")
    path = f"{package}/emails/{name}"
    subject = render_template(f"{path}.subject.txt", **context).strip()
    return (subject, render_template(f"{path}.txt", **context),
            render_template(f"{path}.html", subject=subject, **context))


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
    """Render `template` into the outbox.

    With a dedupe key, a second message with the same key is not queued: the unique
    constraint refuses it, so two planners racing can never both insert. Returns the new
    message, or None when it was a duplicate. A message still unsent at `expires_at` is dropped.
    """
    subject, body_text, body_html = _rendered(to, template, context, user)
    message = OutboxMessage(
        recipient=to,
        user_id=user.id if user is not None else None,
        kind=kind,
        dedupe_key=dedupe_key or f"{kind}:{uuid.uuid4()}",
        subject=subject,
        body_text=body_text,
        body_html=body_html,
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


@dataclass(frozen=True)
class Email:
    """One email for queue_emails: what queue_email takes, with a dedupe key always."""

    to: str
    kind: str
    template: str
    context: dict
    dedupe_key: str
    user: object = None
    attachments: tuple[Attachment, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None


def queued_already(dedupe_keys: list[str]) -> set[str]:
    """Which of these dedupe keys the outbox holds already. One query."""
    if not dedupe_keys:
        return set()
    return set(db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(dedupe_keys))))


def queue_emails(emails: list[Email]) -> list[str]:
    """queue_email for many at once, in two statements (three with attachments) however many
    there are; returns the dedupe keys queued. A key already in the outbox, or twice among
    `emails`, is queued once: the insert skips what the unique key refuses, so two planners
    racing still never both insert."""
    rows, unique = [], {}
    for email in emails:
        if email.dedupe_key in unique:
            continue
        unique[email.dedupe_key] = email
        subject, body_text, body_html = _rendered(email.to, email.template, email.context, email.user)
        rows.append({
            "recipient": email.to, "user_id": email.user.id if email.user is not None else None,
            "kind": email.kind, "dedupe_key": email.dedupe_key, "subject": subject, "body_text": body_text,
            "body_html": body_html, "headers": email.headers, "expires_at": email.expires_at,
        })
    if not rows:
        return []
    new = _insert_unless_queued(rows)
    files = [
        {"message_id": message_id, "filename": a.filename, "content_type": a.content_type, "content": a.content}
        for message_id, key in new
        for a in unique[key].attachments
    ]
    if files:
        db.session.execute(insert(OutboxAttachment), files)
    return [key for _, key in new]


#: What queue_emails gives each message it inserts; the other columns take their defaults.
_COLUMNS = ("recipient", "user_id", "kind", "dedupe_key", "subject", "body_text", "body_html", "headers", "expires_at")


def _insert_unless_queued(rows: list[dict]) -> list[tuple[int, str]]:
    """Insert the rows into the outbox, skipping any whose dedupe key is there already; the
    (id, dedupe key) of each inserted. One statement."""
    table = OutboxMessage.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        statement = sqlite_insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
        return db.session.execute(statement.returning(table.c.id, table.c.dedupe_key), rows).all()
    # On PostgreSQL each column goes as one array: a VALUES list of every row's parameters
    # would cost the driver more to prepare than the database to insert.
    now = utcnow()
    arrays = func.unnest(*[
        bindparam(name, [row[name] for row in rows], type_=ARRAY(table.c[name].type)) for name in _COLUMNS
    ]).table_valued(*_COLUMNS).render_derived()
    defaults = {"status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now}
    statement = postgresql_insert(table).from_select(
        [*_COLUMNS, *defaults],
        select(*arrays.c, *[literal(value, table.c[name].type) for name, value in defaults.items()]),
    ).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return db.session.execute(statement.returning(table.c.id, table.c.dedupe_key)).all()


@dataclass(frozen=True)
class OutboxFilter:
    """What the admin's outbox is narrowed to: a status, a kind, text in the recipient or subject."""

    status: str = ""
    kind: str = ""
    search: str = ""

    @classmethod
    def from_args(cls, args) -> OutboxFilter:
        status = args.get("status", "")
        return cls(status if status in OutboxStatus.__members__.values() else "",
                   args.get("kind", ""), args.get("search", "").strip())

    def where(self, statement):
        """`statement` narrowed to the messages this filter matches."""
        if self.status:
            statement = statement.where(OutboxMessage.status == self.status)
        if self.kind:
            statement = statement.where(OutboxMessage.kind == self.kind)
        if self.search:
            like = f"%{self.search.lower()}%"
            statement = statement.where(
                func.lower(OutboxMessage.recipient).like(like) | func.lower(OutboxMessage.subject).like(like)
            )
        return statement


def outbox_page(matching: OutboxFilter, per_page: int = 50):
    """One page of the outbox, newest first, as filtered."""
    statement = matching.where(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    return db.paginate(statement, per_page=per_page, error_out=False)


def status_counts() -> dict[str, int]:
    """How many messages the outbox holds in each status."""
    return dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def kinds_sent() -> list[str]:
    """Every kind of message the outbox holds, in order."""
    return list(db.session.scalars(select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind)).all())


def _retryable(now: datetime):
    """Failed, and not yet past its point: an expired reminder is not worth another try."""
    return (OutboxMessage.status == OutboxStatus.FAILED) & (
        OutboxMessage.expires_at.is_(None) | (OutboxMessage.expires_at > now)
    )


def _queue_again(statement, now: datetime) -> int:
    return db.session.execute(
        statement.values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount


def retry(message: OutboxMessage, *, actor) -> bool:
    """Queue a failed message to be sent again; False if it had not failed or has expired."""
    now = utcnow()
    if not _queue_again(update(OutboxMessage).where(OutboxMessage.id == message.id, _retryable(now)), now):
        return False
    record(actor, "email.retried", message, {"recipient": message.recipient})
    return True


def retry_failed(matching: OutboxFilter, *, actor) -> int:
    """Queue again every failed, unexpired message among those the filter matches; returns how many."""
    now = utcnow()
    ids = matching.where(select(OutboxMessage.id)).where(_retryable(now)).scalar_subquery()
    count = _queue_again(update(OutboxMessage).where(OutboxMessage.id.in_(ids)), now)
    if count:
        record(actor, "email.retried_failed", "outbox",
               {"count": count, "kind": matching.kind, "search": matching.search})
    return count
