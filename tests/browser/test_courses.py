import shutil

import pytest
from playwright.sync_api import expect

from app.courses.importing import import_courses
from app.extensions import db
from tests.browser.fixtures import assert_accessible, sign_in
from tests.courses.conftest import BROKEN, GOOD
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def course():
    assert import_courses(GOOD).ok
    db.session.commit()


def test_a_participant_reads_a_lesson_marks_it_complete_and_sees_progress_move(page, course):
    participant = make_user("participant")
    sign_in(page, participant.email)
    page.get_by_role("link", name="Learning").click()
    page.get_by_role("link", name="Leading change").click()
    assert "You have completed 0 of 3 lessons (0%)" in page.locator("#course-progress").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="What a user need is").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What a user need is"
    page.wait_for_load_state()  # the image has loaded, not only its element
    assert page.get_by_role("img", name="A resident's journey").evaluate("img => img.naturalWidth") == 40
    assert page.locator("#module-progress").inner_text() == "This module: 0 of 2 lessons completed"
    assert_accessible(page)

    page.get_by_role("button", name="Mark as complete and continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Finding out what people need"
    assert "You have completed “What a user need is”" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#module-progress").inner_text() == "This module: 1 of 2 lessons completed"
    assert page.locator("#course-progress").inner_text() == "The course: 1 of 3 lessons completed"
    assert_accessible(page)

    page.get_by_role("link", name="Previous").click()
    assert "You completed this lesson on" in page.locator("#lesson-status").inner_text()
    page.get_by_role("link", name="Next").click()
    page.get_by_role("link", name="Next").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Small steps"
    page.get_by_role("link", name="Back to Leading change").click()
    assert "You have completed 1 of 3 lessons (33%)" in page.locator("#course-progress").inner_text()
    assert page.locator("#module-1-progress").inner_text() == "1 of 2 lessons completed"


def test_an_admin_sees_the_problems_then_imports_and_previews(page, app, tmp_path):
    shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
    shutil.copytree(BROKEN, tmp_path, dirs_exist_ok=True)
    old = app.config["COURSES_DIR"]
    app.config["COURSES_DIR"] = str(tmp_path)
    try:
        sign_in(page, make_user("admin").email)
        page.get_by_role("link", name="Courses", exact=True).first.click()
        assert_accessible(page)
        page.get_by_role("button", name="Import courses from the repository").click()
        expect(page.locator("#import-problems tbody tr")).to_have_count(19)
        assert_accessible(page)

        shutil.rmtree(tmp_path / "broken-course")
        page.reload()
        assert "new course, version 1 (2027.1)" in page.locator("#import-plan").inner_text()
        assert_accessible(page)
        page.get_by_role("button", name="Import courses").click()
        assert "Imported Leading change" in page.locator(".govuk-notification-banner").inner_text()

        page.get_by_role("link", name="Preview version 1").click()
        assert "version 1 (2027.1)" in page.locator("#preview-banner").inner_text()
        assert_accessible(page)
        page.get_by_role("link", name="Quiz: User needs - check your understanding").click()
        assert page.get_by_role("heading", level=1).inner_text() == "User needs - check your understanding"
        assert_accessible(page)
    finally:
        app.config["COURSES_DIR"] = old


def test_a_placed_participants_home_says_what_to_do_next_and_continues_there(page):
    from datetime import timedelta

    from app.assessments.services import local_today
    from app.cohorts.services import enrol
    from app.timeutil import utcnow
    from tests.factories import make_cohort, make_live_session

    cohort = make_cohort(start_on=local_today())
    person = make_user("participant")
    enrol(cohort, person, actor=None)
    make_live_session(cohort, starts_at=utcnow() + timedelta(days=3), title="Workshop 1: Why digital")
    db.session.commit()
    sign_in(page, person.email)
    assert "Workshop 1: Why digital" in page.locator("#next-session").inner_text()
    assert_accessible(page)
    page.locator("#continue").get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Lesson 1.1"
    page.goto("/")
    page.get_by_role("link", name="Your progress and certificate").click()
    page.get_by_role("link", name=(
        "Attendance: No sessions counted yet; 80% needed; 0 of 1 planned session held; "
        "1 session still to come or to be marked"
    )).click()
    assert page.get_by_role("heading", level=1).inner_text() == "My attendance"
