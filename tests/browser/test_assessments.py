"""In the browser: a participant takes a quiz and submits an assignment, a facilitator marks
it, and the participant reads the feedback; every page passes axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.assessments.services import local_today
from app.assessments.uploads import MAX_BYTES
from app.cohorts.services import enrol
from app.courses.importing import import_courses
from app.extensions import db
from tests.assessments.conftest import PDF
from tests.browser.fixtures import assert_accessible, sign_in
from tests.courses.conftest import GOOD
from tests.factories import make_cohort, make_intake, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def people():
    report = import_courses(GOOD)
    assert report.ok
    db.session.commit()
    from app.courses.models import Course

    course = db.session.query(Course).one()
    facilitator = make_user("facilitator", name="Fay Marker")
    participant = make_user("participant", name="Pat Learner")
    cohort = make_cohort(make_intake(course=course), facilitators=[facilitator],
                         start_on=local_today() - timedelta(days=20))
    enrol(cohort, participant, actor=None)
    db.session.commit()
    return participant, facilitator, cohort


def test_quiz_assignment_marking_and_feedback_from_end_to_end(page, people):
    participant, facilitator, cohort = people
    sign_in(page, participant.email)
    page.get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Leading change").click()
    page.get_by_role("link", name="Quiz: User needs - check your understanding").click()
    expect(page.locator("#quiz-status")).to_have_text("Not started")
    assert_accessible(page)

    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit your answers").click()
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)
    page.get_by_label("Know when my bin will be collected").check()
    for option in ("Watching people use the service", "Listening to calls", "Reading complaints"):
        page.get_by_label(option).check()
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You passed")
    expect(page.locator("#score")).to_contain_text("2 of 2 questions correctly (100%)")
    assert_accessible(page)

    page.get_by_role("link", name="Back to Leading change").click()
    page.get_by_role("link", name="Assignment: Plan one small change").click()
    assert_accessible(page)
    page.get_by_label("Your answer").fill("For tenants: we will count repeat calls.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your draft has been saved")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Submit for marking").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted your assignment for marking")
    expect(page.get_by_role("link", name="plan.pdf")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, facilitator.email)
    page.get_by_role("link", name="Marking", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Pat Learner").click()
    assert_accessible(page)
    page.get_by_role("group", name="Criterion 1 of 2 Names the users the change is for").get_by_label(
        "Met", exact=True).check()
    page.get_by_role("button", name="Save mark").click()
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)
    page.get_by_role("group", name="Criterion 2 of 2 Says how the team will know it worked").get_by_label(
        "Partly met").check()
    page.get_by_label("Refer").check()
    page.get_by_label("Feedback for the participant").fill("Say how you will count the calls, then resubmit.")
    page.get_by_role("button", name="Save mark").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You referred Pat Learner’s submission")
    page.goto(f"/cohorts/{cohort.id}/gradebook")
    expect(page.locator("#gradebook")).to_contain_text("Referred")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, participant.email)
    page.get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Leading change").click()
    page.get_by_role("link", name="Assignment: Plan one small change").click()
    expect(page.locator(".app-feedback")).to_have_text("Say how you will count the calls, then resubmit.")
    expect(page.get_by_role("heading", name="Your resubmission")).to_be_visible()
    assert_accessible(page)


def test_a_file_over_10mb_is_refused_before_sending_and_the_answer_typed_stays(page, people):
    participant, _, cohort = people
    sign_in(page, participant.email)
    page.get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Leading change").click()
    page.get_by_role("link", name="Assignment: Plan one small change").click()
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.get_by_label("Your answer").fill("An answer I took an hour over.")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + b"0" * MAX_BYTES})
    expect(page.get_by_role("button", name="Save as draft")).to_have_attribute("data-prevent-double-click", "true")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("#file-error")).to_have_text("Error: The selected file must be smaller than 10MB")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Your answer")).to_have_value("An answer I took an hour over.")
    assert sent == []
    assert_accessible(page)

    page.get_by_label("Upload a file").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.wait_for_timeout(1100)  # as a person choosing a file takes: GOV.UK's button ignores a click within 1 s of the last
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your draft has been saved")
