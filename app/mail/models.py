"""The outbox: every email is a row first, and is sent from here."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, enum_type
from app.timeutil import utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    #: Leased by a sender; if the sender dies the lease runs out and it is sent again.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    #: Past its point (a reminder of a session already held): dropped, never sent.
    EXPIRED = "expired"


class OutboxMessage(db.Model):
    """One email to one recipient."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: What sort of message: "invitation", "password_reset", "session_24h", ...
    kind: Mapped[str] = mapped_column(String(40), index=True)
    #: Unique: a second insert of the same reminder fails instead of sending twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: Extra headers, e.g. List-Unsubscribe.
    headers: Mapped[dict[str, str]] = mapped_column(db.JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, 10),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: After this the message means nothing ("starting in an hour", an hour late): not sent.
    expires_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class MailPace(db.Model):
    """The one row every sender takes its sending slots from, so the rate is shared."""

    __tablename__ = "mail_pace"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The earliest moment the next message may go.
    next_slot_at: Mapped[datetime]
