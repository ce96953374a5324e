"""The whole programme in the browser, through the UI alone: a council lead nominates, the
programme team accepts, creates a cohort, places the nominee and plans the live sessions, the
participant sets up their account and learns, the facilitator marks their work and takes the
registers, and the certificate is issued when the last planned register is saved, not before,
and anyone can verify it."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.courses.importing import import_courses
from app.courses.models import Course
from app.extensions import db
from app.mail.delivery import deliver_pending
from app.timeutil import to_local, to_utc, utcnow
from tests.browser.fixtures import assert_accessible, sign_in
from tests.browser.test_intakes import fill_nomination, sign_out
from tests.courses.conftest import GOOD
from tests.factories import make_council, make_intake, make_user

pytestmark = pytest.mark.browser

PLANNED_SESSIONS = 4  # completion.live_sessions of the fixture course


def fill_date(page, prefix: str, day) -> None:
    page.locator(f"#{prefix}-day").fill(str(day.day))
    page.locator(f"#{prefix}-month").fill(str(day.month))
    page.locator(f"#{prefix}-year").fill(str(day.year))


def next_minute() -> datetime:
    """The start of the next whole minute in UK time, far enough from midnight for a session
    of 30 minutes to end on the same day."""
    starts = to_local(utcnow()).replace(second=0, microsecond=0) + timedelta(minutes=1)
    while starts.hour == 23 and starts.minute > 28:
        time.sleep(30)
        starts = to_local(utcnow()).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return starts


def link_in(smtp, address: str, subject: str) -> str:
    deliver_pending()
    (message,) = [m for m in smtp.to(address) if m["Subject"] == subject]
    return re.search(r"http://lms\.test(/\S+)", smtp.text(message)).group(1)


def test_from_nomination_to_a_verified_certificate_issued_at_the_last_planned_register(page, smtp):
    assert import_courses(GOOD).ok
    adur = make_council("Adur District Council")
    lead = make_user("council_lead", council=adur, name="Sarah Whitfield")
    admin = make_user("admin", name="Priya Shah")
    facilitator = make_user("facilitator", name="Fay Marker")
    make_intake(name="Spring 2027", course=db.session.query(Course).one())
    db.session.commit()

    # The council lead nominates.
    sign_in(page, lead.email)
    page.get_by_role("link", name="Nominations", exact=True).first.click()
    page.get_by_role("link", name="Spring 2027").click()
    page.get_by_role("button", name="Nominate someone").click()
    fill_nomination(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have nominated Sam Jones")
    sign_out(page)

    # The programme team accepts, makes a cohort for the intake and places Sam in it.
    sign_in(page, admin.email)
    page.get_by_role("link", name="Nominations", exact=True).first.click()
    page.get_by_label("Select Sam Jones").check()
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Apply to selected nominations").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Accepted Sam Jones")

    page.get_by_role("link", name="Intakes", exact=True).first.click()
    page.get_by_role("link", name="Spring 2027").click()
    page.get_by_role("button", name="Create a cohort for this intake").click()
    today = to_local(utcnow()).date()
    page.get_by_label("Cohort name").fill("Spring 2027 – cohort A")
    page.get_by_label("Places").fill("12")
    fill_date(page, "start_on", today)
    fill_date(page, "end_on", today + timedelta(days=60))
    page.get_by_label("Fay Marker").check()
    page.get_by_role("button", name="Save cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2027 – cohort A")
    cohort_url = page.url

    page.get_by_role("button", name="Enrol participants").click()
    page.get_by_label("Sam Jones").check()
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("1 of 12 taken")
    page.get_by_role("button", name="Open every module now").click()
    expect(page.get_by_role("button", name="Open every module now")).to_have_count(0)

    # The live sessions the course plans, each starting after Sam joined.
    starts = next_minute()
    for n in range(1, PLANNED_SESSIONS + 1):
        page.get_by_role("button", name="Add a session").click()
        page.get_by_label("Title").fill(f"Workshop {n}")
        fill_date(page, "day", starts.date())
        page.get_by_label("Start time").fill(f"{starts:%H:%M}")
        page.get_by_label("End time").fill(f"{starts + timedelta(minutes=30):%H:%M}")
        page.get_by_label("Online joining link").fill("https://meet.example.org/workshop")
        page.get_by_role("button", name="Save session").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"“Workshop {n}” added to the timetable")
    sign_out(page)

    # Sam's invitation signs them in; they learn, pass the quiz and submit the assignment.
    page.goto(link_in(smtp, "sam.jones@adur.gov.uk", "Set up your Digital Leadership Programme account"))
    page.get_by_label("New password", exact=True).fill("a walk by the river")
    page.get_by_label("Confirm new password").fill("a walk by the river")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Jones")
    assert_accessible(page)
    page.get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Leading change").click()
    page.get_by_role("link", name="What a user need is").click()
    for _ in range(2):  # both lessons of the first module, then on to its quiz
        page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("User needs - check your understanding")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("Know when my bin will be collected").check()
    for option in ("Watching people use the service", "Listening to calls", "Reading complaints"):
        page.get_by_label(option).check()
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You passed")

    page.get_by_role("link", name="Back to Leading change").click()
    page.get_by_role("link", name="Small steps").click()
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan one small change")
    page.get_by_label("Your answer").fill("For tenants: we will count repeat calls, and call back within a day.")
    page.get_by_role("button", name="Submit for marking").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted your assignment for marking")
    sign_out(page)

    # The facilitator marks the work.
    sign_in(page, facilitator.email)
    page.get_by_role("link", name="Marking", exact=True).first.click()
    page.get_by_role("link", name="Sam Jones").click()
    page.get_by_role("group", name="Criterion 1 of 2 Names the users the change is for").get_by_label(
        "Met", exact=True).check()
    page.get_by_role("group", name="Criterion 2 of 2 Says how the team will know it worked").get_by_label(
        "Met", exact=True).check()
    page.get_by_label("Pass").check()
    page.get_by_label("Feedback for the participant").fill("A clear plan with a measure.")
    page.get_by_role("button", name="Save mark").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sam Jones")

    # Every lesson and assessment is done, but no session is held: no certificate yet.
    page.goto(cohort_url)
    participants = page.locator("tbody tr").filter(has_text="Sam Jones")
    expect(participants).to_contain_text("met")
    expect(participants.get_by_role("link", name="Certificate of Sam Jones")).to_have_count(0)

    # Once the sessions have started, the facilitator takes each register; the certificate
    # comes with the last one.
    while utcnow() < to_utc(starts):
        time.sleep(1)
    for n in range(1, PLANNED_SESSIONS + 1):
        page.goto(cohort_url)
        expect(participants.get_by_role("link", name="Certificate of Sam Jones")).to_have_count(0)
        page.get_by_role("link", name=f"Take the register for Workshop {n}").click()
        if n == 1:
            assert_accessible(page)
        page.get_by_role("radio", name="Present").first.check()
        page.get_by_role("button", name="Save register").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("1 mark recorded")
    page.goto(cohort_url)
    expect(participants.get_by_role("link", name="Certificate of Sam Jones")).to_have_count(1)
    code = re.search(r"DLP(-[A-Z0-9]{4}){4}", participants.inner_text()).group(0)
    sign_out(page)

    # Sam downloads it; anyone can check it.
    sign_in(page, "sam.jones@adur.gov.uk", "a walk by the river")
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.locator(".govuk-panel")).to_contain_text(code)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    sign_out(page)
    page.goto("/verify")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Check the code").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Valid certificate")
    expect(page.locator("main")).to_contain_text("Sam Jones")
    expect(page.locator("main")).to_contain_text("Adur District Council")
    assert_accessible(page)
