"""Sending the outbox over SMTP (or to files in development).

Delivery is at-least-once, deduplicated: a message is leased before it is sent and marked
sent after. A sender that dies between the two leaves the lease to run out (a minute) and the
message is sent again, so a crash can repeat one email but never lose one. Duplicates from
planning are impossible because the outbox's dedupe key is unique. Every sender shares one
pace (a locked row), so the rate holds however many run; each message and each run has a
deadline, so a slow relay delays email but never the rest of the scheduler.
"""

from __future__ import annotations

import random
import smtplib
import socket
import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.mail.models import MailPace, OutboxMessage, OutboxStatus
from app.timeutil import utcnow

#: How long a claimed message stays this sender's; renewed after every message it sends.
LEASE = timedelta(seconds=60)


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


def send_smtp(email: EmailMessage, deadline: float, stop: threading.Event | None = None) -> None:
    """Send over SMTP within `deadline` seconds, or until `stop` is set. Once the server has
    said 250 to the message it is sent, whatever it then replies to QUIT."""
    config = current_app.config
    # We greet the relay as our public host name; the default asks DNS, which can take seconds.
    smtp = smtplib.SMTP(local_hostname=urlsplit(config["BASE_URL"]).hostname, timeout=config["MAIL_TIMEOUT"])
    # A relay that answers one line every few seconds never trips the socket's timeout:
    # the watchdog cuts the connection at the deadline, which ends any read at once.
    watchdog = _Watchdog(smtp, deadline, stop)
    watchdog.start()
    accepted = False
    try:
        smtp.connect(config["MAIL_SERVER"], config["MAIL_PORT"])
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
        accepted = True
        smtp.quit()
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        raise _classify(code, reply) from error
    except smtplib.SMTPResponseException as error:
        if not accepted:
            raise _classify(error.smtp_code, error.smtp_error) from error
    except (OSError, smtplib.SMTPException) as error:
        if not accepted:
            reason = watchdog.reason or str(error)
            raise TemporaryFailure(reason or type(error).__name__) from error
    finally:
        watchdog.done.set()
        smtp.close()


class _Watchdog(threading.Thread):
    """Cuts an SMTP connection at its deadline or when the run is stopped, whichever first."""

    def __init__(self, smtp: smtplib.SMTP, deadline: float, stop: threading.Event | None):
        super().__init__(daemon=True)
        self.smtp, self.deadline, self.stop = smtp, deadline, stop or threading.Event()
        self.done = threading.Event()
        self.reason: str | None = None

    def run(self) -> None:
        end = time.monotonic() + self.deadline
        while not self.done.wait(0.1):
            if self.stop.is_set():
                self.reason = "stopped: the scheduler was shutting down"
            elif time.monotonic() >= end:
                self.reason = f"no answer within {self.deadline:g} seconds"
            else:
                continue
            if self.smtp.sock is not None:
                try:
                    self.smtp.sock.shutdown(socket.SHUT_RDWR)  # ends any read at once
                except OSError:
                    pass
            return


def _classify(code: int, reply) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    failure = PermanentFailure if code >= 500 else TemporaryFailure
    return failure(f"{code} {text}")


def send_to_file(email: EmailMessage, message_id: int) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message_id:06d}.eml").write_bytes(bytes(email))


def _send(message: OutboxMessage, deadline: float, stop: threading.Event | None) -> None:
    email = build_email(message)
    if current_app.config["MAIL_BACKEND"] == "file":
        send_to_file(email, message.id)
    else:
        send_smtp(email, deadline, stop)


def backoff(attempts: int, jitter: float | None = None) -> timedelta:
    """The wait before the next try: 1, 2, 4 ... minutes, capped at an hour, each stretched or
    shrunk by up to a fifth so that a batch that failed together does not retry together."""
    jitter = random.uniform(-0.2, 0.2) if jitter is None else jitter
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60) * (1 + jitter))


def _expire(now) -> int:
    """Drop what is past its point (a reminder of a session already held): never sent."""
    expired = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.expires_at <= now,
            or_(OutboxMessage.status == OutboxStatus.PENDING,
                (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.lease_until < now)),
        )
        .values(status=OutboxStatus.EXPIRED, lease_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return expired


def _claim(now, limit: int) -> list[int]:
    """Lease up to `limit` due messages and commit the lease; returns their ids, oldest due
    first. The lease is one UPDATE that checks each row is still due as it writes it, so two
    senders never claim the same message (PostgreSQL's row locks; SQLite's one writer)."""
    due = or_(
        (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.lease_until < now),
    )
    candidates = (
        select(OutboxMessage.id).where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = set(db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()), due)
        .values(status=OutboxStatus.SENDING, lease_until=now + LEASE)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all())
    db.session.commit()
    order = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    return list(order)


def _renew(ids: list[int], now) -> None:
    """Keep the lease on what this sender has still to send: short, so a dead sender's
    batch is picked up within a minute, and renewed after every message."""
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
            .values(lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )


def _release(ids: list[int]) -> None:
    """Hand back what this run did not get to, for the next run or another sender at once."""
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
            .values(status=OutboxStatus.PENDING, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def _next_slot(wait_up_to: float) -> bool:
    """Take the next sending slot, shared by every sender through one locked row: one slot
    every 60/rate seconds, so no minute ever passes the rate and none goes out in a burst.
    Sleeps until the slot; False, taking nothing, when the slot is further off than that."""
    interval = timedelta(seconds=60 / current_app.config["MAIL_RATE_PER_MINUTE"])
    now = utcnow()  # the real clock, even when a run is told to act as if at another time
    pace = _locked_pace(now)
    slot = max(pace.next_slot_at, now)
    wait = (slot - now).total_seconds()
    if wait > wait_up_to:
        db.session.rollback()
        return False
    pace.next_slot_at = slot + interval
    db.session.commit()
    if wait > 0:
        time.sleep(wait)
    return True


def _locked_pace(now) -> MailPace:
    """The pace row, locked for this transaction: a write first, since SQLite has no row
    locks and its one writer at a time is the only lock it offers."""
    while True:
        touched = db.session.execute(
            update(MailPace).where(MailPace.id == 1).values(next_slot_at=MailPace.next_slot_at)
            .execution_options(synchronize_session=False)
        ).rowcount
        if touched:
            return db.session.get(MailPace, 1, populate_existing=True)
        try:
            with db.session.begin_nested():
                pace = MailPace(id=1, next_slot_at=now)
                db.session.add(pace)
            return pace
        except IntegrityError:
            continue  # another sender made it first: lock theirs


def deliver_pending(now=None, stop: threading.Event | None = None) -> dict[str, int]:
    """Send due messages within the shared rate and this run's time; commits after each.

    A run starts no new message once `MAIL_RUN_SECONDS` have passed, and drops the one it is
    sending when `stop` is set (the scheduler lost its lock, or is shutting down); either way
    it hands back what it did not send."""
    now = now or utcnow()
    config = current_app.config
    started = time.monotonic()
    counts = {"sent": 0, "retry": 0, "failed": 0, "expired": _expire(now)}
    claimed = _claim(now, config["MAIL_RATE_PER_MINUTE"])
    done = 0
    try:
        for message_id in claimed:
            left = config["MAIL_RUN_SECONDS"] - (time.monotonic() - started)
            if (stop is not None and stop.is_set()) or left <= 0 or not _next_slot(left):
                break
            message = db.session.get(OutboxMessage, message_id)
            outcome = _attempt(message, now, stop)
            if stop is not None and stop.is_set() and outcome != "sent":
                break  # cut short by the stop, not the relay's doing: try again next run
            counts[outcome] += 1
            done += 1
            _renew(claimed[done:], now)
            db.session.commit()
    finally:
        db.session.rollback()
        _release(claimed[done:])
    return counts


def _attempt(message: OutboxMessage, now, stop: threading.Event | None = None) -> str:
    """Try one message once; what became of it: sent, retry, failed or expired."""
    config = current_app.config
    message.lease_until = None
    if message.expires_at is not None and message.expires_at <= now:
        message.status = OutboxStatus.EXPIRED
        return "expired"
    message.attempts += 1
    try:
        _send(message, config["MAIL_SEND_SECONDS"], stop)
    except TemporaryFailure as error:
        message.last_error = str(error)
        if now - message.created_at >= timedelta(hours=config["MAIL_RETRY_HOURS"]):
            message.status = OutboxStatus.FAILED
            return "failed"
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
        return "retry"
    except PermanentFailure as error:
        message.last_error = str(error)
        message.status = OutboxStatus.FAILED
        return "failed"
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    return "sent"
