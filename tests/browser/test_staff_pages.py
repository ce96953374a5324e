"""The programme team's and facilitators' new pages pass axe and work in a browser."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.certificates.services import issue_certificate
from app.cohorts.services import enrol
from app.extensions import db
from app.intakes.decisions import Decision, decide
from app.timeutil import utcnow
from tests.browser.fixtures import assert_accessible, sign_in
from tests.factories import make_cohort, make_live_session, make_nomination, make_user

pytestmark = pytest.mark.browser


def test_registers_certificates_and_waiting_nominees_pages_are_accessible(page):
    admin = make_user("admin", "facilitator", name="Priya Shah")  # of the programme team, and runs a cohort
    cohort = make_cohort(name="Autumn – cohort A", facilitators=[admin])
    person = make_user("participant", name="Gareth Lewis")
    enrolment = enrol(cohort, person, actor=admin, now=utcnow() - timedelta(days=5))
    make_live_session(cohort, starts_at=utcnow() - timedelta(days=2), title="Workshop 1: Users")
    make_live_session(cohort, starts_at=utcnow() + timedelta(days=5), title="Workshop 2: Data")
    certificate = issue_certificate(enrolment)
    decide([make_nomination(cohort.intake, nominee_name="Kim Lee", email="kim@adur.gov.uk").id], Decision.ACCEPT, admin)
    db.session.commit()

    sign_in(page, admin.email)
    expect(page.locator("#registers-to-take")).to_contain_text("Workshop 1: Users")
    assert_accessible(page)
    page.goto(f"/cohorts/{cohort.id}")
    expect(page.locator("main")).to_contain_text("The register opens when the session starts.")
    assert_accessible(page)
    page.goto(f"/admin/intakes/{cohort.intake_id}")
    assert_accessible(page)
    page.get_by_role("button", name="Create a cohort for this intake").click()
    expect(page.get_by_label("Intake")).to_have_value(str(cohort.intake_id))

    page.get_by_role("link", name="Certificates", exact=True).first.click()
    page.get_by_label("Search by name, council, cohort or code").fill("gareth")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody")).to_contain_text(certificate.code)
    assert_accessible(page)

    page.goto("/admin/people")
    assert_accessible(page)
    page.get_by_role("link", name="Accepted nominees who have not set a password").click()
    expect(page.locator("tbody")).to_contain_text("Kim Lee")
    assert_accessible(page)
    page.get_by_role("button", name="Resend invitation to Kim Lee").click()
    expect(page.locator("main")).to_contain_text("A new invitation has been sent to kim@adur.gov.uk")
    assert_accessible(page)

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for url in ("/", f"/cohorts/{cohort.id}", f"/admin/intakes/{cohort.intake_id}", "/admin/certificates/",
                    "/admin/people/waiting"):
            page.goto(url)
            wide = page.evaluate("""w => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w && !e.closest('.app-table-scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 40))""", width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{url} is wider than {width} px: {wide}"
