"""Sending the outbox over SMTP (or to files in development).

Delivery is at-least-once, deduplicated: a message is leased before it is sent and marked
sent after. A sender that dies between the two leaves the lease to run out (a minute) and the
message is sent again, so a crash can repeat one email but never lose one. Duplicates from
planning are impossible because the outbox's dedupe key is unique. Every sender shares one
pace (a locked row), so the rate holds however many run; each message and each run has a
deadline, so a slow relay delays email but never the rest of the scheduler. A run sends its
batch over one SMTP connection (smtp.py).
"""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, text, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.mail.mime import Outgoing, build_email
from app.mail.models import MailPace, OutboxMessage, OutboxStatus
from app.mail.smtp import PermanentFailure, Relay, TemporaryFailure
from app.timeutil import utcnow

#: How long a claimed message stays this sender's; renewed while the sender works through them.
LEASE = timedelta(seconds=60)
#: How often a sender renews the lease on what it has still to send.
RENEW_EVERY = LEASE / 4
#: The most sending slots a sender takes at once: as many messages as a crash may send twice.
BATCH = 10
#: About how long a batch of slots spans at the rate: what a stopped run may leave unused.
BATCH_SECONDS = 1
#: How long after its slot a message may still go; a sender further behind gives up the slot.
LATE_SECONDS = 1


def send_to_file(email: Outgoing, message_id: int) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message_id:06d}.eml").write_bytes(email.data)


def _send(message: OutboxMessage, relay: Relay) -> None:
    email = build_email(message, current_app.config["MAIL_DEFAULT_SENDER"])
    if current_app.config["MAIL_BACKEND"] == "file":
        send_to_file(email, message.id)
    else:
        relay.send(email, current_app.config["MAIL_SEND_SECONDS"])


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
    batch is picked up within a minute, and renewed every RENEW_EVERY while it sends."""
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


def _pace(rate: int) -> tuple[int, float]:
    """How many sending slots a sender takes at once, and the seconds between two slots.

    A batch spans about BATCH_SECONDS at the rate (and holds at most BATCH), so taking slots
    costs one locked write a batch instead of one a message. A message may go up to
    LATE_SECONDS after its slot (the one before it was slow); so that even then no minute
    passes the rate, the slots are spaced to fit the rate into a minute and that much more."""
    return max(1, min(BATCH, rate * BATCH_SECONDS // 60)), (60 + LATE_SECONDS) / rate


def _take_slots(wanted: int, wait_up_to: float, batch: int, interval: float) -> list[float]:
    """Take up to `wanted` of the next sending slots, at most a batch, from the one locked row
    every sender shares; returns when each falls due (on time.monotonic()). None, taking
    nothing, when the first is further off than `wait_up_to`, and no more than fit before it
    passes. Commits whatever the session holds, so the outcomes of the batch before go with it."""
    now, clock = utcnow(), time.monotonic()  # the real clock, even when a run acts as if at another time
    first = max(_locked_pace(now), now)
    wait = (first - now).total_seconds()
    if wait > wait_up_to:
        _commit()
        return []
    count = min(wanted, batch, 1 + int((wait_up_to - wait) / interval))
    db.session.execute(
        update(MailPace).where(MailPace.id == 1)
        .values(next_slot_at=first + timedelta(seconds=count * interval))
        .execution_options(synchronize_session=False)
    )
    _commit()
    return [clock + wait + n * interval for n in range(count)]


def _locked_pace(now) -> datetime:
    """The pace row's next slot, the row locked for this transaction: a write first, since
    SQLite has no row locks and its one writer at a time is the only lock it offers."""
    while True:
        next_slot = db.session.execute(
            update(MailPace).where(MailPace.id == 1).values(next_slot_at=MailPace.next_slot_at)
            .returning(MailPace.next_slot_at)
            .execution_options(synchronize_session=False)
        ).scalar()
        if next_slot is not None:
            return next_slot
        try:
            with db.session.begin_nested():
                db.session.add(MailPace(id=1, next_slot_at=now))
            return now
        except IntegrityError:
            continue  # another sender made it first: lock theirs


def _commit() -> None:
    """Commit; on PostgreSQL without waiting for the disk. A sender that dies loses nothing
    committed this way: only a crash of the database server itself in the same instant could
    lose an outcome, and then the email is sent again, the at-least-once trade-off delivery
    makes anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.commit()


def deliver_pending(now=None, stop: threading.Event | None = None) -> dict[str, int]:
    """Send due messages within the shared rate and this run's time, over one connection.

    Slots are taken a small batch at a time (`_pace`), each message sent at its own slot or
    within LATE_SECONDS after it, and the outcomes of a batch are committed together, with
    the next batch's slots or at the end of the run: a sender that dies mid-batch sends those
    few messages again once their lease runs out. A run starts no new message once
    `MAIL_RUN_SECONDS` have passed, and drops the one it is sending when `stop` is set (the
    scheduler lost its lock, or is shutting down); either way it keeps what it sent and hands
    back what it did not."""
    now = now or utcnow()
    stop = stop or threading.Event()
    config = current_app.config
    started = renewed = time.monotonic()
    counts = {"sent": 0, "retry": 0, "failed": 0, "expired": _expire(now)}
    claimed = _claim(now, config["MAIL_RATE_PER_MINUTE"])
    # Loaded once; they stay loaded across the commits, since they are this sender's alone.
    messages = {m.id: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)))}
    session = db.session()
    session.expire_on_commit = False
    batch, interval = _pace(config["MAIL_RATE_PER_MINUTE"])
    relay = Relay(stop)
    slots: list[float] = []
    done = 0
    try:
        while done < len(claimed) and not stop.is_set():
            left = config["MAIL_RUN_SECONDS"] - (time.monotonic() - started)
            if left <= 0:
                break
            while slots and time.monotonic() - slots[0] > LATE_SECONDS:
                del slots[0]  # missed by a slow send: sending on it now would crowd the next minute
            if not slots:
                if time.monotonic() - renewed >= RENEW_EVERY.total_seconds():
                    renewed = time.monotonic()
                    _renew(claimed[done:], now + timedelta(seconds=renewed - started))
                slots = _take_slots(len(claimed) - done, left, batch, interval)
                if not slots:
                    break
            wait = slots.pop(0) - time.monotonic()
            if wait > 0 and stop.wait(wait):
                break
            outcome = _attempt(messages[claimed[done]], now, relay, stop)
            if outcome is None:
                break
            counts[outcome] += 1
            done += 1
        _commit()
    finally:
        session.expire_on_commit = True
        db.session.rollback()
        _release(claimed[done:])
        relay.close()
    return counts


def _attempt(message: OutboxMessage, now, relay: Relay, stop: threading.Event) -> str | None:
    """Try one message once; what became of it: sent, retry, failed or expired. None, the
    message left as it was for the next run, when the stop cut the send short: not the
    relay's doing."""
    if message.expires_at is not None and message.expires_at <= now:
        message.status, message.lease_until = OutboxStatus.EXPIRED, None
        return "expired"
    try:
        _send(message, relay)
    except (TemporaryFailure, PermanentFailure) as error:
        if stop.is_set():
            return None
        failure = error
    else:
        failure = None
    message.attempts += 1
    message.lease_until = None
    if failure is None:
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.last_error = None
        return "sent"
    message.last_error = str(failure)
    if isinstance(failure, PermanentFailure):
        message.status = OutboxStatus.FAILED
        return "failed"
    if now - message.created_at >= timedelta(hours=current_app.config["MAIL_RETRY_HOURS"]):
        message.status = OutboxStatus.FAILED
        return "failed"
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now + backoff(message.attempts)
    return "retry"
