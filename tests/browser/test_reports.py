"""Each dashboard in a real browser: reached from the navigation, and axe finds nothing wrong."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import assert_accessible, sign_in
from tests.factories import make_user
from tests.reports.programmes import known_programme

pytestmark = pytest.mark.browser


def test_the_programme_team_reads_the_overview_an_intake_and_its_councils(page):
    admin = make_user("admin")
    known_programme(admin)
    sign_in(page, admin.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Programme overview"
    assert page.get_by_role("img", name="Take-up by signatory councils").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Count again now").click()
    expect(page.get_by_text("The figures have been counted again")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download places and nominations for every intake (CSV)").click()
    assert download.value.suggested_filename == "intakes-places-and-nominations.csv"
    assert open(download.value.path(), "rb").read().startswith("\ufeffIntake,".encode("utf-8"))

    page.get_by_role("link", name="Spring 2027").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Spring 2027: report"
    assert page.get_by_role("img", name="How full each cohort is").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Places allocated and used by each council").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Places by council"
    assert_accessible(page)


def test_a_council_lead_follows_their_people(page):
    programme = known_programme(make_user("admin"))
    sign_in(page, programme.leads[programme.councils[0]].email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Our people").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Our people"
    assert_accessible(page)

    page.get_by_label("Intake", exact=True).select_option(label="Spring 2027")
    page.get_by_role("button", name="Show").click()
    assert "3 nominees on Spring 2027" in page.locator("caption").all_inner_texts()

    page.get_by_role("link", name="Alan Moss", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alan Moss"
    assert_accessible(page)


def test_a_facilitator_opens_the_dashboard_from_their_cohort_and_filters_it(page):
    programme = known_programme(make_user("admin"))
    sign_in(page, programme.alpha.facilitators[0].email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Alpha").click()
    page.get_by_role("button", name="Dashboard").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: Alpha"
    assert_accessible(page)

    page.get_by_label("Show").select_option(label="Attendance below the threshold")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#dashboard tbody tr")).to_have_count(1)  # once the filtered page has loaded
    assert "Aisha Khan" in page.locator("#dashboard tbody").inner_text()
    page.get_by_text("1 of 4 met").click()  # the checklist opens in place
    assert page.get_by_text("Module 2 lessons (Module 2): 1 of 2 read").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Participant\s*: sort A to Z$")).click()
    assert "sort=name" in page.url and "show=attendance" in page.url
