"""The admin's outbox page: what each email is waiting for, filters, and retrying failures at once."""

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email
from app.timeutil import format_datetime, utcnow
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.pages import parse


def message(status=OutboxStatus.PENDING, *, kind="password_reset", to=None, **fields) -> OutboxMessage:
    user = make_user("participant", **({"email": to} if to else {}))
    queued = queue_email(to=user.email, kind=kind, template="auth/password_reset", user=user,
                         context={"link": "http://lms.test/x", "hours": 2})
    queued.status = status
    for name, value in fields.items():
        setattr(queued, name, value)
    db.session.commit()
    return queued


def rows(page) -> list[str]:
    return [" ".join(row.get_text().split()) for row in page.select("tbody tr")]


def test_each_email_shows_its_attempts_last_error_and_next_try(admin_client):
    next_try = utcnow() + timedelta(minutes=8)
    message(to="slow@council.gov.uk", attempts=4, last_error="451 4.3.0 Try again later", next_attempt_at=next_try)
    message(OutboxStatus.EXPIRED, to="late@council.gov.uk", expires_at=utcnow() - timedelta(hours=3))
    page = parse(admin_client.get("/admin/outbox"))
    late, slow = rows(page)
    assert "Pending" in slow and f"Next try {format_datetime(next_try)}" in slow
    assert "Last error: 451 4.3.0 Try again later" in slow
    assert page.select("tbody tr")[1].select("td")[4].get_text().strip() == "4"
    assert "Expired" in late and "Not worth sending after" in late
    expired_only = parse(admin_client.get("/admin/outbox?status=expired"))
    assert [r.split()[0] for r in rows(expired_only)] == ["late@council.gov.uk"]


def test_the_outbox_searches_recipients_and_subjects(admin_client):
    message(to="ada@worthing.gov.uk")
    message(to="bob@adur.gov.uk")
    found = rows(parse(admin_client.get("/admin/outbox?search=WORTHING")))
    assert [r.split()[0] for r in found] == ["ada@worthing.gov.uk"]
    assert len(rows(parse(admin_client.get("/admin/outbox?search=reset+your")))) == 2  # the subject
    assert "No emails match" in admin_client.get("/admin/outbox?search=nobody").get_data(as_text=True)


def test_retry_all_failed_sends_again_the_failures_the_filter_shows_and_says_how_many(
        admin_client, admin, csrf_enabled):
    refused = [message(OutboxStatus.FAILED, to=f"gone{n}@worthing.gov.uk", attempts=1, last_error="550 No such mailbox")
               for n in range(2)]
    elsewhere = message(OutboxStatus.FAILED, to="gone@adur.gov.uk", attempts=1)
    pointless = message(OutboxStatus.FAILED, to="old@worthing.gov.uk", expires_at=utcnow() - timedelta(minutes=1))
    page = admin_client.get("/admin/outbox?status=failed&search=worthing")
    form = parse(page).select_one("form[action='/admin/outbox/retry-failed']")
    assert form.select_one("button").get_text().strip() == "Retry all failed"
    admin_client.post("/admin/outbox/retry-failed", data={"search": "worthing"})  # no token: nothing
    db.session.expire_all()
    assert refused[0].status is OutboxStatus.FAILED

    response = admin_client.post("/admin/outbox/retry-failed", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "search": "worthing", "kind": ""})
    assert response.status_code == 302
    banner = parse(admin_client.get(response.location)).select_one(".govuk-notification-banner").get_text()
    assert "2 failed emails will be sent again within a minute" in banner
    db.session.expire_all()
    assert [m.status for m in refused] == [OutboxStatus.PENDING] * 2 and all(m.attempts == 0 for m in refused)
    assert elsewhere.status is OutboxStatus.FAILED  # not in the filter
    assert pointless.status is OutboxStatus.FAILED  # past its point: not worth another try
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "email.retried_failed")).all()
    assert event.actor_id == admin.id and event.changes["count"] == 2

