from datetime import timedelta

import time_machine

from app.extensions import db
from app.mail.delivery import deliver_pending
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import Attachment, queue_email
from app.timeutil import utcnow
from tests.factories import make_user


def queue(key: str | None = None, **extra):
    user = extra.pop("user", None) or make_user("participant")
    return queue_email(
        to=user.email, kind="password_reset", template="auth/password_reset", user=user,
        context={"link": "http://lms.test/x", "hours": 2}, dedupe_key=key, **extra,
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
    assert deliver_pending() == {"sent": 0, "retry": 1, "failed": 0}
    assert message.status == OutboxStatus.PENDING
    assert "451" in message.last_error
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}  # backing off
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
    assert deliver_pending(now=utcnow() + timedelta(hours=2)) == {"sent": 0, "retry": 0, "failed": 0}


def test_a_refused_connection_is_retried_until_the_limit(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_BACKEND="smtp")
    message = queue()
    db.session.commit()
    now = utcnow()
    for hour in range(3):
        deliver_pending(now=now + timedelta(hours=hour))
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3


def test_a_message_left_leased_by_a_crashed_sender_is_sent_after_the_lease(smtp):
    message = queue()
    message.status = OutboxStatus.SENDING
    message.lease_until = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert deliver_pending()["sent"] == 0
    assert deliver_pending(now=utcnow() + timedelta(minutes=6))["sent"] == 1


def test_delivery_never_exceeds_the_rate(app, smtp):
    app.config["MAIL_RATE_PER_MINUTE"] = 3
    try:
        for _ in range(5):
            queue()
        db.session.commit()
        with time_machine.travel(utcnow(), tick=False) as traveller:
            assert deliver_pending()["sent"] == 3
            assert deliver_pending()["sent"] == 0
            traveller.shift(timedelta(seconds=61))
            assert deliver_pending()["sent"] == 2
    finally:
        app.config["MAIL_RATE_PER_MINUTE"] = 120


def test_attachments_and_headers_arrive(smtp):
    queue(attachments=(Attachment("note.txt", "text/plain", b"hello"),), headers={"List-Unsubscribe": "<http://lms.test/u>"})
    db.session.commit()
    deliver_pending()
    (received,) = smtp.messages
    assert received["List-Unsubscribe"] == "<http://lms.test/u>"
    (part,) = list(received.iter_attachments())
    assert part.get_filename() == "note.txt" and part.get_content() == "hello"


def test_the_file_backend_writes_each_message(app, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path))
    try:
        queue()
        db.session.commit()
        deliver_pending()
    finally:
        app.config["MAIL_BACKEND"] = "smtp"
    (written,) = tmp_path.glob("*.eml")
    assert b"Reset your Digital Leadership Programme password" in written.read_bytes()
