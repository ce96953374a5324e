"""Sending the outbox over SMTP (or to files in development).

Delivery is at-least-once, deduplicated: a message is leased before it is sent and marked
sent after. A sender that dies between the two leaves the lease to run out and the message
is sent again, so a crash can repeat one email but never lose one. Duplicates from planning
are impossible because the outbox's dedupe key is unique.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.timeutil import utcnow

LEASE = timedelta(minutes=5)


class TemporaryFailure(Exception):
    """The server may accept the message later (4xx, refused connection)."""


class PermanentFailure(Exception):
    """The server will never accept the message (5xx)."""


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="digital-leadership.example")
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        email.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return email


def send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
        ) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        raise _classify(code, reply) from error
    except smtplib.SMTPResponseException as error:
        raise _classify(error.smtp_code, error.smtp_error) from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(str(error) or type(error).__name__) from error


def _classify(code: int, reply) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    failure = PermanentFailure if code >= 500 else TemporaryFailure
    return failure(f"{code} {text}")


def send_to_file(email: EmailMessage, message_id: int) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message_id:06d}.eml").write_bytes(bytes(email))


def _send(message: OutboxMessage) -> None:
    email = build_email(message)
    if current_app.config["MAIL_BACKEND"] == "file":
        send_to_file(email, message.id)
    else:
        send_smtp(email)


def backoff(attempts: int) -> timedelta:
    """Minutes to wait before the next try: 1, 2, 4, 8 ... up to an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _claim(now, limit: int) -> list[int]:
    """Lease up to `limit` due messages and commit the lease; returns their ids."""
    due = (
        select(OutboxMessage)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.lease_until < now),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    messages = db.session.scalars(due).all()
    for message in messages:
        message.status = OutboxStatus.SENDING
        message.lease_until = now + LEASE
    db.session.commit()
    return [message.id for message in messages]


def sent_in_last_minute(now) -> int:
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.sent_at > now - timedelta(minutes=1)
        )
    )


def deliver_pending(now=None) -> dict[str, int]:
    """Send due messages within the rate limit; commits after each. Returns counts."""
    now = now or utcnow()
    config = current_app.config
    allowance = config["MAIL_RATE_PER_MINUTE"] - sent_in_last_minute(now)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if allowance <= 0:
        return counts
    for message_id in _claim(now, allowance):
        message = db.session.get(OutboxMessage, message_id)
        message.attempts += 1
        try:
            _send(message)
        except TemporaryFailure as error:
            message.last_error = str(error)
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                message.status = OutboxStatus.FAILED
                counts["failed"] += 1
            else:
                message.status = OutboxStatus.PENDING
                message.next_attempt_at = now + backoff(message.attempts)
                counts["retry"] += 1
        except PermanentFailure as error:
            message.last_error = str(error)
            message.status = OutboxStatus.FAILED
            counts["failed"] += 1
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = utcnow()
            message.last_error = None
            counts["sent"] += 1
        message.lease_until = None
        db.session.commit()
    return counts
