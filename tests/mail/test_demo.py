"""The demo's outbox shows an expired reminder, an email waiting for another try, and a failure."""

import pytest

from app import demo
from app.extensions import db
from tests.pages import parse


@pytest.fixture
def demo_loaded(app):
    """The demo as `bin/run` loads it, with the real course and its workshops, loaded twice."""
    for _ in range(2):
        demo.load()
        db.session.commit()


def test_the_demo_outbox_shows_an_expired_reminder_a_retry_due_and_a_failure(demo_loaded, admin_client):
    def rows(status):
        page = parse(admin_client.get(f"/admin/outbox?status={status}"))
        return [" ".join(row.get_text().split()) for row in page.select("tbody tr")]

    (expired,) = rows("expired")
    assert expired.startswith("participant@adur-worthing.example.gov.uk Starting in an hour: Workshop")
    (waiting,) = [row for row in rows("pending") if "Greylisted" in row]
    assert "Next try" in waiting and "Last error: 451 4.7.1 Greylisted" in waiting
    (failed,) = rows("failed")
    assert "550 5.1.1 No such mailbox here" in failed
    assert "Retry all failed" in admin_client.get("/admin/outbox").get_data(as_text=True)
