"""Staff: the list of courses and versions, previews of any version, and the admin's import page."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from app.courses.models import CourseVersion
from app.extensions import db
from tests.courses.conftest import BROKEN, edit
from tests.factories import make_user
from tests.pages import parse



def version_count() -> int:
    return db.session.scalar(select(func.count(CourseVersion.id)))


def test_the_courses_page_lists_each_version_with_a_preview_link(login, imported):
    page = parse(login(make_user("facilitator")).get("/courses/"))
    table = page.select_one("#course-leading-change")
    assert table.caption.get_text(strip=True) == "Leading change"
    cells = [td.get_text(" ", strip=True) for td in table.select("tbody td")]
    assert cells[:2] == ["1 (latest)", "2027.1"] and cells[3] == "3"
    assert table.select_one("a")["href"] == "/courses/leading-change/versions/1/"
    assert page.find("a", string="Import courses from the repository") is None  # admins only


def test_staff_preview_an_old_version_with_its_day_offsets(login, imported, courses_folder):
    from app.courses.importing import import_courses

    edit(courses_folder / "leading-change/02-delivery/01-small-steps.md", "Release early", "Ship early")
    import_courses(courses_folder)
    db.session.commit()
    client = login(make_user("admin"))
    page = parse(client.get("/courses/leading-change/versions/1/"))
    assert "version 1 (2027.1)" in page.select_one("#preview-banner").get_text()
    assert "Opens on day 14 of a cohort, due by day 28." in page.select(".app-module__facts")[1].get_text()
    assert page.select_one("#course-progress") is None
    lesson = parse(client.get("/courses/leading-change/versions/1/02-delivery/01-small-steps"))
    assert lesson.select_one(".app-prose h2").get_text() == "Release early"
    assert lesson.select_one("form[action$='/complete']") is None
    newer = parse(client.get("/courses/leading-change/versions/2/02-delivery/01-small-steps"))
    assert newer.select_one(".app-prose h2").get_text() == "Ship early"
    assert client.get("/courses/leading-change/versions/3/").status_code == 404


def test_staff_preview_a_quiz_with_its_answers_and_an_assignment_with_its_criteria(login, imported):
    client = login(make_user("facilitator"))
    overview = parse(client.get("/courses/leading-change/versions/1/"))
    quiz_link = overview.find("a", string=lambda s: s and "Quiz: User needs" in s)
    quiz = parse(client.get(quiz_link["href"]))
    assert quiz.h1.get_text() == "User needs - check your understanding"
    correct = [li.get_text(" ", strip=True) for li in quiz.select("li") if li.select_one(".govuk-tag--green")]
    assert correct[0] == "b. Know when my bin will be collected Correct"
    assert "Explanation: First-hand evidence beats second-hand opinion." in quiz.get_text(" ", strip=True)
    assignment = parse(client.get("/courses/leading-change/versions/1/02-delivery/assessments/assignment"))
    assert assignment.select_one(".app-prose h2").get_text() == "What to do"
    assert "Says how the team will know it worked" in assignment.get_text()
    assert client.get("/courses/leading-change/versions/1/02-delivery/assessments/quiz").status_code == 404


def test_the_import_page_shows_what_will_happen_and_imports(admin_client, repository_courses):
    page = parse(admin_client.get("/courses/import"))
    assert "new course, version 1 (2027.1)" in page.select_one("#import-plan").get_text()
    response = admin_client.post("/courses/import")
    assert response.status_code == 302 and response.headers["Location"] == "/courses/"
    listing = parse(admin_client.get("/courses/"))
    banner = listing.select_one(".govuk-notification-banner").get_text()
    assert "Imported Leading change: new course, version 1 (2027.1)" in banner
    again = parse(admin_client.get("/courses/import"))
    assert "Every course is up to date" in again.get_text()
    assert again.select_one("main form button") is None
    assert version_count() == 1


def test_the_import_page_lists_every_problem_and_imports_nothing(admin_client, repository_courses):
    shutil.copytree(BROKEN, repository_courses, dirs_exist_ok=True)
    page = parse(admin_client.get("/courses/import"))
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("#import-problems tbody tr")
    ]
    assert len(rows) == 19
    assert [
        "broken-course/01-first/quiz.yaml",
        "12",
        'the correct answer "d" is not one of the options (a, b, c)',
    ] in rows
    assert "19 problems found: nothing has been imported" in page.select_one(".govuk-warning-text").get_text()
    assert page.select_one("main form button") is None
    response = admin_client.post("/courses/import")
    assert response.status_code == 200
    assert len(parse(response).select("#import-problems tbody tr")) == 19
    assert version_count() == 0
