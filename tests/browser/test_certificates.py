import pytest
from playwright.sync_api import expect

from app.certificates.services import issue_certificate
from app.cohorts.services import enrol
from app.extensions import db
from tests.browser.fixtures import assert_accessible, sign_in
from tests.factories import make_cohort, make_user

pytestmark = pytest.mark.browser


def test_a_participant_downloads_their_certificate_and_anyone_can_verify_it(page, admin):
    cohort = make_cohort()
    person = make_user("participant", name="Gareth Lewis")
    certificate = issue_certificate(enrol(cohort, person, actor=admin))
    db.session.commit()

    sign_in(page, person.email)
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.locator(".govuk-panel")).to_contain_text(certificate.code)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto("/verify")
    assert_accessible(page)
    page.get_by_label("Verification code").fill(certificate.code.lower())
    page.get_by_role("button", name="Check the code").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Valid certificate")
    expect(page.locator("main")).to_contain_text("Gareth Lewis")
    assert_accessible(page)
