from datetime import timedelta


from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email
from app.reminders.lock import LeaseLock
from app.reminders.models import SchedulerJobRun
from app.timeutil import utcnow
from tests.factories import make_user
from tests.pages import parse



def failed_message(user) -> OutboxMessage:
    message = queue_email(
        to=user.email, kind="password_reset", template="auth/password_reset", user=user,
        context={"link": "http://lms.test/x", "hours": 2},
    )
    message.status = OutboxStatus.FAILED
    message.attempts = 1
    message.last_error = "550 5.1.1 No such mailbox"
    db.session.commit()
    return message


def test_the_outbox_shows_failures_with_their_error_and_retries_them(admin_client):
    message = failed_message(make_user("participant", email="gone@council.gov.uk"))
    page = parse(admin_client.get("/admin/outbox?status=failed"))
    row = page.select_one("tbody tr")
    assert "gone@council.gov.uk" in row.get_text()
    assert "550 5.1.1 No such mailbox" in row.get_text()
    response = admin_client.post(f"/admin/outbox/{message.id}/retry")
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING and message.attempts == 0


def test_the_outbox_filters_by_kind(admin_client):
    user = make_user("participant")
    failed_message(user)
    queue_email(to=user.email, kind="invitation", template="auth/invitation", user=user, context={"link": "x", "days": 14})
    db.session.commit()
    page = parse(admin_client.get("/admin/outbox?kind=invitation"))
    assert [td.get_text() for td in page.select("tbody tr td:nth-of-type(3)")] == ["invitation"]


def test_the_scheduler_page_names_the_holder_and_each_jobs_last_run(admin_client):
    LeaseLock(db.engine, timedelta(seconds=30), "web-1:4242:abc").acquire()
    db.session.add(SchedulerJobRun(job_id="deliver_outbox", started_at=utcnow(), finished_at=utcnow(), holder="web-1:4242:abc", outcome="ok: 3 sent, 0 retry, 0 failed", run_count=12))
    db.session.commit()
    text = parse(admin_client.get("/admin/scheduler")).select_one("main").get_text()
    assert "web-1:4242:abc" in text
    assert "ok: 3 sent, 0 retry, 0 failed" in text
    assert "12 runs" in text


def test_the_scheduler_page_warns_when_no_scheduler_runs(admin_client):
    text = parse(admin_client.get("/admin/scheduler")).select_one("main").get_text()
    assert "No scheduler is running" in text


def test_preferences_switch_kinds_off_and_facilitators_can_choose_a_digest(login):
    from app.reminders.services import preferences_for

    participant = make_user("participant")
    client = login(participant)
    page = parse(client.get("/account/reminders"))
    assert page.select_one("input[value=session_24h]").has_attr("checked")
    assert page.select_one("input[name=delivery]") is None  # only facilitators choose a digest
    client.post("/account/reminders", data={"wanted": ["session_24h"]})
    assert "session_1h" in preferences_for(participant).opted_out
    assert "session_24h" not in preferences_for(participant).opted_out

    facilitator = make_user("facilitator")
    login(facilitator).post("/account/reminders", data={"wanted": ["register_not_taken"], "delivery": "daily"})
    assert preferences_for(facilitator).daily_digest is True
