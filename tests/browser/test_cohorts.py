from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.cohorts.services import enrol
from app.extensions import db
from app.timeutil import utcnow
from tests.browser.fixtures import assert_accessible, sign_in
from tests.factories import make_cohort, make_live_session, make_user

pytestmark = pytest.mark.browser


def test_a_facilitator_takes_a_register_with_the_keyboard_alone(page, admin):
    cohort = make_cohort()
    people = [enrol(cohort, make_user("participant", name=name), actor=admin, now=utcnow() - timedelta(days=2))
              for name in ("Ada Lovelace", "Bea Jones")]
    session = make_live_session(cohort, starts_at=utcnow() - timedelta(hours=3), title="Show and tell")
    make_live_session(cohort, starts_at=utcnow() + timedelta(days=7), title="Next week")
    db.session.commit()
    sign_in(page, cohort.facilitators[0].email)

    page.goto(f"/cohorts/{cohort.id}")
    assert_accessible(page)
    page.goto(f"/sessions/{session.id}/register")
    assert_accessible(page)
    # Keyboard only: focus the first choice for Ada, arrow to choose, tab onwards.
    page.get_by_role("radio", name="Present").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # Ada's note
    page.keyboard.type("Early as ever")
    page.keyboard.press("Tab")  # Bea's radios
    page.keyboard.press("ArrowRight")  # Present -> Late
    page.keyboard.press("ArrowRight")  # Late -> Absent
    page.keyboard.press("Tab")  # Bea's note
    page.keyboard.press("Tab")  # Save
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cohorts/{cohort.id}/attendance")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 marks recorded")
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="Ada Lovelace")).to_contain_text("Present")
    expect(rows.filter(has_text="Bea Jones")).to_contain_text("Absent")
    assert_accessible(page)


def test_a_participant_sees_their_timetable(page, admin):
    cohort = make_cohort()
    person = make_user("participant")
    enrol(cohort, person, actor=admin)
    make_live_session(cohort, starts_at=utcnow() + timedelta(days=2), title="Service design clinic")
    db.session.commit()
    sign_in(page, person.email)
    page.get_by_role("link", name="Timetable", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My timetable")
    expect(page.locator("main")).to_contain_text("Service design clinic")
    assert_accessible(page)
