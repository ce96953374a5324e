"""Delivery against relays that misbehave: slow, rude at QUIT, or shared by two senders."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.delivery import deliver_pending
from app.mail.models import OutboxMessage, OutboxStatus
from app.timeutil import utcnow
from tests.mail.test_delivery import queue
from tests.smtp import HostileRelay


@pytest.fixture
def relay_config(app):
    """Point the app at a relay; put every delivery setting back afterwards."""
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_BACKEND", "MAIL_SEND_SECONDS", "MAIL_RUN_SECONDS", "MAIL_RATE_PER_MINUTE")
    old = {key: app.config[key] for key in keys}

    def point_at(port: int, **settings):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_BACKEND="smtp", **settings)

    yield point_at
    app.config.update(old)


@pytest.mark.parametrize("reply", ["421 Closing", "554 Transaction failed"])
def test_a_refusal_of_quit_after_the_message_was_accepted_counts_as_sent(relay_config, reply):
    message = queue()
    db.session.commit()
    with HostileRelay(quit_reply=reply) as relay:
        relay_config(relay.port)
        assert deliver_pending()["sent"] == 1
        assert deliver_pending(now=utcnow() + timedelta(hours=2))["sent"] == 0
    assert message.status is OutboxStatus.SENT
    assert relay.accepted == 1


def test_a_run_sends_over_one_connection_and_opens_another_when_the_relay_hangs_up(relay_config):
    messages = [queue() for _ in range(5)]
    db.session.commit()
    with HostileRelay(close_after=3) as relay:  # hangs up after three, without a word
        relay_config(relay.port)
        assert deliver_pending() == {"sent": 5, "retry": 0, "failed": 0, "expired": 0}
    assert relay.connections == 2 and relay.accepted == 5  # each once
    assert all(m.status is OutboxStatus.SENT for m in messages)


def test_a_tarpit_relay_costs_each_message_its_deadline_and_no_more(relay_config):
    message = queue()
    db.session.commit()
    with HostileRelay(delay=1, reply_lines=1000) as relay:  # a line a second, for ever
        relay_config(relay.port, MAIL_SEND_SECONDS=2)
        started = time.monotonic()
        assert deliver_pending()["retry"] == 1
        took = time.monotonic() - started
    assert took < 4
    assert message.status is OutboxStatus.PENDING
    assert message.last_error == "no answer within 2 seconds"


def test_a_run_past_its_deadline_hands_back_what_it_did_not_send(relay_config):
    messages = [queue() for _ in range(4)]
    db.session.commit()
    with HostileRelay(delay=1, reply_lines=1000) as relay:
        relay_config(relay.port, MAIL_SEND_SECONDS=1, MAIL_RUN_SECONDS=1)
        started = time.monotonic()
        counts = deliver_pending()
        took = time.monotonic() - started
    assert counts["retry"] == 1 and took < 3
    db.session.expire_all()
    untried = [m for m in messages if m.attempts == 0]
    assert len(untried) == 3
    # Free at once for the next run or another sender, not leased for a minute.
    assert all(m.status is OutboxStatus.PENDING and m.lease_until is None for m in untried)


def test_expired_messages_are_dropped_and_never_sent(smtp):
    stale = queue(expires_at=utcnow() - timedelta(minutes=1))
    fresh = queue(expires_at=utcnow() + timedelta(hours=1))
    db.session.commit()
    assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 0, "expired": 1}
    assert stale.status is OutboxStatus.EXPIRED and fresh.status is OutboxStatus.SENT
    assert [m["To"] for m in smtp.messages] == [fresh.recipient]


def test_two_senders_share_the_rate_and_spread_it_over_the_minute(app, smtp, relay_config):
    relay_config(smtp.port, MAIL_RATE_PER_MINUTE=300, MAIL_RUN_SECONDS=30)  # a slot each 0.2 s
    for later in [False] * 4 + [True] * 4:
        message = queue()
        if later:  # due when the second sender starts, while the first is still sending
            message.next_attempt_at = utcnow() + timedelta(seconds=0.3)
    db.session.commit()

    def sender(start_after: float):
        time.sleep(start_after)
        with app.app_context():
            sent.append(deliver_pending()["sent"])
            db.session.remove()

    sent = []
    threads = [threading.Thread(target=sender, args=(start,)) for start in (0, 0.4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(sent) == [4, 4]  # both senders sent
    assert len(smtp.messages) == 8  # each once
    # Five slots a second between them: in any 0.8 s, at most four slots' messages (and one
    # more whose send was slower). Each pacing itself alone would put eight there.
    busiest = max(sum(start <= t < start + 0.8 for t in smtp.arrivals) for start in smtp.arrivals)
    assert busiest <= 5, smtp.arrivals
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {OutboxStatus.SENT}


def test_a_stop_mid_run_keeps_what_was_sent_and_hands_back_the_rest(app, smtp, relay_config):
    relay_config(smtp.port, MAIL_RATE_PER_MINUTE=300, MAIL_RUN_SECONDS=30)  # a slot each 0.2 s, two a batch
    messages = [queue() for _ in range(6)]
    db.session.commit()
    stop = threading.Event()

    def stop_after_two():
        while len(smtp.messages) < 2:
            time.sleep(0.01)
        stop.set()

    watcher = threading.Thread(target=stop_after_two)
    watcher.start()
    counts = deliver_pending(stop=stop)
    watcher.join(timeout=10)

    db.session.expire_all()
    sent = [m for m in messages if m.status is OutboxStatus.SENT]
    assert counts["sent"] == len(sent) == len(smtp.messages) >= 2  # what went out is recorded as sent
    assert len(sent) < 6  # the stop ended the run before the rest
    rest = [m for m in messages if m.status is not OutboxStatus.SENT]
    # Handed back untouched, for the next run or another sender at once.
    assert all(m.status is OutboxStatus.PENDING and m.lease_until is None and m.attempts == 0 for m in rest)
