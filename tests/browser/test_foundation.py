import re

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser.fixtures import assert_accessible, sign_in
from tests.factories import make_council, make_user

pytestmark = pytest.mark.browser

NAVIGATION = {
    Role.ADMIN: ["Home", "Councils", "People", "Intakes", "Nominations", "Courses", "Cohorts", "Certificates", "Reports"],
    Role.FACILITATOR: ["Home", "Courses", "Cohorts", "Marking"],
    Role.COUNCIL_LEAD: ["Home", "Nominations", "Our people"],
    Role.PARTICIPANT: ["Home", "Learning", "Timetable", "Progress"],
}


def test_the_sign_in_page_is_accessible(page):
    page.goto("/sign-in")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_signs_in_and_sees_its_navigation(page, role):
    user = make_user(role, council=make_council() if role in (Role.COUNCIL_LEAD, Role.PARTICIPANT) else None)
    sign_in(page, user.email)
    links = page.locator(".govuk-service-navigation__link").all_inner_texts()
    assert [text.strip() for text in links] == NAVIGATION[role]
    assert page.get_by_role("heading", level=1).inner_text() == f"Welcome, {user.name}"
    assert_accessible(page)


def test_the_councils_register_is_accessible_and_searchable(page):
    make_council("Adur District Council", gss_code="E07000223")
    make_council("Arun District Council", gss_code="E07000224", signed_on=None)
    admin = make_user("admin")
    sign_in(page, admin.email)
    page.get_by_role("link", name="Councils", exact=True).first.click()
    assert_accessible(page)
    page.get_by_label("Search by name or GSS code").fill("E07000224")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=E07000224**")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Not signed" in rows.first.inner_text()
