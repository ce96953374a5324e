"""A council lead nominates, the programme team accepts, the nominee's invitation works."""

import re

import pytest
from playwright.sync_api import expect

from app.mail.delivery import deliver_pending
from tests.browser.fixtures import assert_accessible, sign_in
from tests.factories import make_council, make_course, make_intake, make_user

pytestmark = pytest.mark.browser


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")


def fill_nomination(page) -> None:
    """Nominate Sam Jones of Adur on the open nomination form."""
    page.get_by_label("Full name").fill("Sam Jones")
    page.get_by_label("Work email address").fill("sam.jones@adur.gov.uk")
    page.get_by_label("Job title").fill("Service manager")
    page.get_by_label("Service area").fill("Housing")
    page.get_by_label("Why this person, and what change will they lead?").fill("Sam will lead the redesign of housing repairs.")
    page.get_by_label("Their line manager supports this nomination").check()
    page.get_by_role("button", name="Submit nomination").click()


def test_a_lead_nominates_an_admin_accepts_and_the_nominee_sets_up_their_account(page, smtp):
    adur = make_council("Adur District Council")
    lead = make_user("council_lead", council=adur, name="Sarah Whitfield")
    admin = make_user("admin")
    make_intake(name="Spring 2027", course=make_course(title="Digital Leadership"))

    sign_in(page, lead.email)
    page.get_by_role("link", name="Nominations", exact=True).first.click()
    page.get_by_role("link", name="Spring 2027").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Spring 2027"
    assert_accessible(page)

    page.get_by_role("button", name="Nominate someone").click()
    assert_accessible(page)
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    fill_nomination(page)
    assert "You have nominated Sam Jones" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    sign_in(page, admin.email)
    page.get_by_role("link", name="Nominations", exact=True).first.click()
    assert_accessible(page)
    page.get_by_label("Select Sam Jones").check()
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Apply to selected nominations").click()
    assert "Accepted Sam Jones" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    deliver_pending()
    (invitation,) = [m for m in smtp.to("sam.jones@adur.gov.uk") if m["Subject"] == "Set up your Digital Leadership Programme account"]
    link = re.search(r"http://lms\.test(/set-password/\S+)", smtp.text(invitation)).group(1)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a walk by the river")
    page.get_by_label("Confirm new password").fill("a walk by the river")
    page.get_by_role("button", name="Save password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Sam Jones"
    assert "participant for Adur District Council" in page.locator("main").inner_text()


def test_the_programme_teams_intake_pages_are_accessible(page):
    make_course(title="Digital Leadership")
    admin = make_user("admin")  # commits the course too, so the live server can read it
    sign_in(page, admin.email)
    page.get_by_role("link", name="Intakes", exact=True).first.click()
    page.get_by_role("button", name="Create an intake").click()
    page.get_by_role("button", name="Create intake").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    page.get_by_label("Course").select_option(label="Digital Leadership")
    page.get_by_label("Name of the intake").fill("Spring 2027")
    for prefix, (day, month, year) in {
        "opens_on": ("20", "3", "2027"),
        "closes_on": ("28", "3", "2027"),
        "cohorts_start_on": ("19", "4", "2027"),
    }.items():
        page.locator(f"#{prefix}-day").fill(day)
        page.locator(f"#{prefix}-month").fill(month)
        page.locator(f"#{prefix}-year").fill(year)
    page.get_by_label("Nominations open at").fill("9am")
    page.get_by_label("Nominations close at").fill("5pm")
    page.get_by_label("Places for each council").fill("3")
    page.get_by_label("Total places on the intake").fill("40")
    page.get_by_role("button", name="Create intake").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Spring 2027"
    assert "28 March 2027 at 5pm" in page.locator(".govuk-summary-list").inner_text()
    assert_accessible(page)
