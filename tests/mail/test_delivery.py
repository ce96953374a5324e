from datetime import timedelta

import time_machine

from app.extensions import db
from sqlalchemy import func, select

from app.mail.delivery import LEASE, backoff, deliver_pending
from app.mail.mime import build_email
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import Attachment, queue_email
from app.timeutil import utcnow
from config import TestingConfig
from tests.factories import make_user


def queue(key: str | None = None, link: str = "http://lms.test/x", **extra):
    user = extra.pop("user", None) or make_user("participant")
    return queue_email(
        to=user.email, kind="password_reset", template="auth/password_reset", user=user,
        context={"link": link, "hours": 2}, dedupe_key=key, **extra,
    )


def test_the_same_dedupe_key_is_queued_once():
    user = make_user("participant")
    assert queue("reminder:1", user=user) is not None
    assert queue("reminder:1", user=user) is None
    db.session.commit()
    assert db.session.query(OutboxMessage).count() == 1


def test_a_temporary_refusal_is_retried_and_delivered_once(smtp):
    message = queue()
    db.session.commit()
    smtp.replies.append("451 4.3.0 Try again later")
    assert deliver_pending() == {"sent": 0, "retry": 1, "failed": 0, "expired": 0}
    assert message.status == OutboxStatus.PENDING
    assert "451" in message.last_error
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "expired": 0}  # backing off
    assert deliver_pending(now=utcnow() + timedelta(minutes=2))["sent"] == 1
    assert len(smtp.messages) == 1
    assert message.status == OutboxStatus.SENT and message.attempts == 2


def test_a_permanent_refusal_fails_after_one_try(smtp):
    message = queue()
    db.session.commit()
    smtp.replies.append("550 5.1.1 No such mailbox")
    assert deliver_pending()["failed"] == 1
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert deliver_pending(now=utcnow() + timedelta(hours=2)) == {"sent": 0, "retry": 0, "failed": 0, "expired": 0}


def test_a_refused_connection_is_retried_for_a_day_then_fails(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_BACKEND="smtp")
    message = queue()
    db.session.commit()
    start = utcnow()
    for minutes in range(0, 24 * 60, 10):  # a quarter of an hour of outage fails nothing
        deliver_pending(now=start + timedelta(minutes=minutes))
        assert message.status == OutboxStatus.PENDING
    # Backing off to hourly: a few dozen tries over the day, not one every run.
    assert 20 <= message.attempts <= 35
    assert message.next_attempt_at - start <= timedelta(hours=25)
    deliver_pending(now=start + timedelta(hours=25))
    assert message.status == OutboxStatus.FAILED


def test_back_off_doubles_to_an_hour_and_spreads_a_batch():
    assert [backoff(n, jitter=0) for n in (1, 2, 3, 7, 8, 30)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 60, 60, 60)]
    waits = {backoff(3) for _ in range(20)}
    assert len(waits) > 1 and all(timedelta(minutes=3.2) <= w <= timedelta(minutes=4.8) for w in waits)


def test_a_message_left_leased_by_a_crashed_sender_is_sent_after_the_lease(smtp):
    message = queue()
    message.status = OutboxStatus.SENDING
    message.lease_until = utcnow() + LEASE
    db.session.commit()
    assert deliver_pending()["sent"] == 0
    # A short lease: a dead sender's batch waits a minute, not five.
    assert LEASE <= timedelta(minutes=1)
    assert deliver_pending(now=utcnow() + LEASE + timedelta(seconds=1))["sent"] == 1


def test_delivery_spreads_the_rate_over_the_minute(app, smtp):
    app.config.update(MAIL_RATE_PER_MINUTE=3, MAIL_RUN_SECONDS=1)
    try:
        for _ in range(5):
            queue()
        db.session.commit()
        with time_machine.travel(utcnow(), tick=False) as traveller:
            assert deliver_pending()["sent"] == 1  # the next slot is 20 seconds away
            assert deliver_pending()["sent"] == 0
            traveller.shift(timedelta(seconds=20))
            assert deliver_pending()["sent"] == 1
            traveller.shift(timedelta(seconds=61))
            assert deliver_pending()["sent"] == 1  # no burst after a quiet spell
        assert len(smtp.messages) == 3
        assert db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.SENDING)) == 0
    finally:
        app.config.update(MAIL_RATE_PER_MINUTE=TestingConfig.MAIL_RATE_PER_MINUTE, MAIL_RUN_SECONDS=25)


def test_attachments_and_headers_arrive(smtp):
    queue(attachments=(Attachment("note.txt", "text/plain", b"hello"),), headers={"List-Unsubscribe": "<http://lms.test/u>"})
    db.session.commit()
    deliver_pending()
    (received,) = smtp.messages
    assert received["List-Unsubscribe"] == "<http://lms.test/u>"
    (part,) = list(received.iter_attachments())
    assert part.get_filename() == "note.txt" and part.get_content() == "hello"


def test_welsh_names_long_lines_and_binary_attachments_arrive_as_written(smtp):
    message = queue(attachments=(Attachment("tystysgrif-siân.pdf", "application/pdf", bytes(range(256)) * 40),))
    message.subject = "Croeso i Gyngor Sir Ynys Môn – your place is confirmed"
    message.body_text = "Annwyl Siân,\n" + "ŵ" * 2000 + "\nDiolch"
    message.body_html = "<p>Annwyl Siân,</p>"
    db.session.commit()
    deliver_pending()
    (received,) = smtp.messages
    assert received["Subject"] == "Croeso i Gyngor Sir Ynys Môn – your place is confirmed"
    assert received["From"].addresses[0].addr_spec == "noreply@digital-leadership.example"
    assert smtp.text(received).splitlines() == ["Annwyl Siân,", "ŵ" * 2000, "Diolch"]
    assert received.get_body(preferencelist=("html",)).get_content() == "<p>Annwyl Siân,</p>"
    wire = build_email(message, "Rhaglen <noreply@digital-leadership.example>").data
    assert b"\n" not in wire.replace(b"\r\n", b"") and b"\r" not in wire.replace(b"\r\n", b"")  # relays refuse bare ends
    assert all(len(line) <= 78 for line in wire.split(b"\r\n"))
    (part,) = list(received.iter_attachments())
    assert part.get_filename() == "tystysgrif-siân.pdf" and part.get_content() == bytes(range(256)) * 40


def test_an_address_beyond_ascii_fails_at_once_and_the_rest_still_go(smtp):
    stuck = queue()
    stuck.recipient = "siân@ynysmon.gov.uk"
    after = queue()
    db.session.commit()
    assert deliver_pending()["failed"] == 1
    assert stuck.status == OutboxStatus.FAILED and "not an ASCII address" in stuck.last_error
    assert after.status == OutboxStatus.SENT and [m["To"] for m in smtp.messages] == [after.recipient]


def test_a_line_break_in_a_subject_cannot_add_a_header(smtp):
    message = queue()
    message.subject = "Your place\r\nBcc: everyone@example.gov.uk"
    db.session.commit()
    deliver_pending()
    (received,) = smtp.messages
    assert received["Subject"] == "Your place Bcc: everyone@example.gov.uk" and received["Bcc"] is None


def test_the_file_backend_writes_each_message_with_its_links_whole(app, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path))
    link = "http://lms.test/reset-password/" + "Ab3=" * 40
    try:
        queue(link=link)
        db.session.commit()
        deliver_pending()
    finally:
        app.config["MAIL_BACKEND"] = "smtp"
    (written,) = tmp_path.glob("*.eml")
    assert b"Reset your Digital Leadership Programme password" in written.read_bytes()
    assert link.encode() in written.read_bytes()  # a developer can copy it from the file as it is


def test_slots_are_spaced_so_that_a_message_sent_late_still_keeps_every_minute_within_the_rate():
    from app.mail.delivery import BATCH, LATE_SECONDS, _pace

    for rate in (1, 3, 60, 120, 300, 6000, 10_000_000):
        batch, interval = _pace(rate)
        assert 1 <= batch <= BATCH and (batch - 1) * interval <= 1.1  # a batch spans about a second
        # A minute's sends have their slots in that minute and the LATE_SECONDS before it.
        assert int((60 + LATE_SECONDS) / interval) <= rate
