"""Participants reading a course: the overview, lessons, marking complete, and course images."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import render_template
from datetime import date, timedelta

from app.courses.services import ModuleDates, outline
from app.courses.reading import Reading
from app.extensions import db
from app.timeutil import format_date
from tests.factories import make_cohort, make_course, make_course_version, make_intake, make_user
from tests.pages import parse

OVERVIEW = "/learning/leading-change"
LESSON = "/learning/leading-change/01-user-needs/01-what-a-need-is"



def test_the_learning_page_lists_each_course_with_progress(login, imported):
    page = parse(login(make_user("participant")).get("/learning/"))
    assert page.select_one("h2 a").get_text() == "Leading change"
    assert page.select_one(f"#course-{imported.id}-progress").get_text() == "0 of 3 lessons completed"


def test_the_overview_shows_modules_in_order_with_their_lessons_and_progress(login, imported):
    client = login(make_user("participant"))
    client.post(f"{LESSON}/complete")
    page = parse(client.get(OVERVIEW))
    assert page.h1.get_text() == "Leading change"
    headings = [" ".join(h.get_text().split()) for h in page.select(".app-module h2")]
    assert headings == ["Module 1 Start with user needs", "Module 2 Delivering in small steps"]
    assert "You have completed 1 of 3 lessons (33%)" in page.select_one("#course-progress").get_text()
    assert page.select_one("#module-1-progress").get_text() == "1 of 2 lessons completed"
    assert page.select_one("#module-2-progress").get_text() == "0 of 1 lesson completed"
    items = [
        " ".join(li.get_text().split()) for li in page.select("#module-1-progress ~ .govuk-task-list li")
    ]
    assert items == [
        "What a user need is 10 minutes Completed",
        "Finding out what people need 15 minutes, optional Not started",
        "Quiz: User needs - check your understanding Required, pass mark 50% Cannot start yet",
    ]
    assert page.select_one(".govuk-task-list a")["href"] == LESSON
    assert "About 2.5 hours of study." in page.select_one(".app-module__facts").get_text()


def test_the_overview_shows_module_dates_when_a_cohort_gives_them(app, imported):
    """The seam cohorts will use: dates passed to the overview appear beside each module."""
    modules = outline(imported)
    with app.test_request_context():
        html = render_template(
            "courses/overview.html",
            reading=Reading(imported, preview=False),
            version=imported,
            modules=modules,
            completed={},
            progress=None,
            dates={modules[0].id: ModuleDates(date(2027, 3, 1), date(2027, 3, 15))},
            statuses={},
            unopened={},
        )
    facts = [
        " ".join(p.get_text().split())
        for p in BeautifulSoup(html, "html.parser").select(".app-module__facts")
    ]
    assert facts == [
        "About 2.5 hours of study. Opens 1 March 2027, due 15 March 2027.",
        "About 1 hour of study.",
    ]


def test_a_lesson_shows_its_sanitised_text_neighbours_and_a_button_to_complete_it(login, imported):
    page = parse(login(make_user("participant")).get(LESSON))
    assert page.h1.get_text() == "What a user need is"
    assert page.select_one(".govuk-caption-l").get_text() == "Module 1: Start with user needs"
    prose = page.select_one(".app-prose")
    assert prose.find("table") and prose.find("h2").get_text() == "Needs, not tools"
    assert prose.find("img")["src"] == f"/course-files/{imported.id}/01-user-needs/images/journey.png"
    assert page.select_one("form[action$='/complete'] button").get_text(strip=True) == "Mark as complete and continue"
    assert page.select_one(".govuk-pagination__prev") is None
    assert (
        page.select_one(".govuk-pagination__next a")["href"]
        == "/learning/leading-change/01-user-needs/02-finding-out"
    )
    assert page.select_one("#module-progress").get_text() == "This module: 0 of 2 lessons completed"
    assert page.select_one("nav[aria-label=Back] a.govuk-back-link")["href"] == OVERVIEW


def test_marking_a_lesson_complete_moves_the_progress_and_goes_on_to_the_next(login, imported):
    client = login(make_user("participant"))
    response = client.post(f"{LESSON}/complete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/learning/leading-change/01-user-needs/02-finding-out"
    next_page = parse(client.get(response.headers["Location"]))
    assert (
        "You have completed “What a user need is”" in next_page.select_one(".govuk-notification-banner").get_text()
    )
    page = parse(client.get(LESSON))
    assert "You completed this lesson on" in page.select_one("#lesson-status").get_text()
    assert page.select_one("form[action$='/complete']") is None
    assert page.select_one("#module-progress").get_text() == "This module: 1 of 2 lessons completed"
    assert page.select_one("#course-progress").get_text() == "The course: 1 of 3 lessons completed"
    client.post(f"{LESSON}/complete")  # again: still one
    assert (
        parse(client.get(LESSON)).select_one("#course-progress").get_text()
        == "The course: 1 of 3 lessons completed"
    )


def test_a_lesson_someone_else_completed_is_still_to_do_for_the_reader(login, imported):
    login(make_user("participant")).post(f"{LESSON}/complete")
    page = parse(login(make_user("participant")).get(LESSON))
    assert page.select_one("#lesson-status") is None
    assert page.select_one("form[action$='/complete'] button").get_text(strip=True) == "Mark as complete and continue"
    assert page.select_one("#module-progress").get_text() == "This module: 0 of 2 lessons completed"
    assert "(completed)" not in page.select_one(".app-lesson-list").get_text()


def test_marking_complete_needs_the_form_token(login, imported, request):
    client = login(make_user("participant"))
    request.getfixturevalue("csrf_enabled")
    response = client.post(f"{LESSON}/complete")
    assert response.status_code == 400
    assert "0 of 3" in parse(client.get(OVERVIEW)).select_one("#course-progress").get_text()


def test_after_a_modules_last_lesson_next_is_its_quiz_and_the_lesson_list_shows_it(login, imported):
    from app.cohorts.services import enrol

    without_a_place = parse(login(make_user("participant")).get("/learning/leading-change/01-user-needs/02-finding-out"))
    assert without_a_place.select_one(".govuk-pagination__next a")["href"] == "/learning/leading-change/02-delivery/01-small-steps"
    assert without_a_place.select(".app-lesson-list a")[-1].get_text() == "What a user need is"
    person = make_user("participant")
    enrol(make_cohort(make_intake(course=imported.course), start_on=date.today() - timedelta(days=14)), person, actor=None)
    db.session.commit()
    client = login(person)
    page = parse(client.get("/learning/leading-change/01-user-needs/02-finding-out"))
    quiz = imported.modules[0].assessments[0]
    assert page.select_one(".govuk-pagination__prev a")["href"] == LESSON
    assert page.select_one(".govuk-pagination__next a")["href"] == f"/quizzes/{quiz.id}"
    assert "Quiz: User needs - check your understanding" in page.select_one(".govuk-pagination__next").get_text()
    assert [a.get_text() for a in page.select(".app-lesson-list a")][-1] == "Quiz: User needs - check your understanding"
    assert client.post("/learning/leading-change/01-user-needs/02-finding-out/complete").headers["Location"] == (
        f"/quizzes/{quiz.id}"
    )
    next_module = parse(client.get("/learning/leading-change/02-delivery/01-small-steps"))
    assert next_module.select_one(".govuk-pagination__prev a")["href"] == f"/quizzes/{quiz.id}"


def test_a_module_not_open_yet_shows_when_it_opens_and_keeps_its_lessons_closed(login, imported):
    from app.cohorts.services import enrol

    cohort = make_cohort(make_intake(course=imported.course), start_on=date.today())
    person = make_user("participant")
    enrol(cohort, person, actor=None)
    db.session.commit()
    client = login(person)
    opens = format_date(date.today() + timedelta(days=14))
    overview = parse(client.get(OVERVIEW))
    assert " ".join(overview.select_one("#module-2-opens").get_text().split()) == (
        f"Opens on {opens}: its lessons and assessments open together."
    )
    assert overview.select_one("#module-1-opens") is None
    assert [a["href"] for a in overview.select(".govuk-task-list a") if "02-delivery" in a["href"]] == []
    assert f"Opens on {opens}" in overview.select_one("#module-2-1-status").get_text()
    lesson = parse(client.get("/learning/leading-change/02-delivery/01-small-steps"))
    assert lesson.select_one(".app-prose") is None and lesson.select_one("form[action$='/complete']") is None
    assert f"This lesson opens on {opens}" in lesson.select_one("#lesson-opens").get_text()
    client.post("/learning/leading-change/02-delivery/01-small-steps/complete")
    assert "0 of 3" in parse(client.get(OVERVIEW)).select_one("#course-progress").get_text()


def test_unknown_courses_modules_and_lessons_are_not_found(login, imported):
    client = login(make_user("participant"))
    for url in (
        "/learning/no-such-course",
        "/learning/leading-change/01-user-needs/no-such-lesson",
        "/learning/leading-change/02-delivery/01-what-a-need-is",
    ):
        assert client.get(url).status_code == 404
    assert client.post("/learning/leading-change/01-user-needs/nope/complete").status_code == 404


def test_a_participant_reads_the_latest_version(login):
    course = make_course(slug="digital-leadership")
    make_course_version(course, modules=1)
    make_course_version(course, modules=3)
    page = parse(login(make_user("participant")).get("/learning/digital-leadership"))
    assert len(page.select(".app-module")) == 3


def test_the_overview_makes_the_same_number_of_queries_however_big_the_course(login, count_queries):
    client = login(make_user("participant"))
    make_course_version(make_course(slug="small"), modules=1, lessons=1)
    make_course_version(make_course(slug="large"), modules=8, lessons=4)
    client.get("/learning/small")  # the first request after signing in also loads the account
    counts = []
    for slug in ("small", "large"):
        with count_queries() as counter:
            assert client.get(f"/learning/{slug}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] and counts[1] <= 8


def test_a_lesson_page_makes_a_bounded_number_of_queries(login, count_queries):
    client = login(make_user("participant"))
    make_course_version(make_course(slug="large"), modules=8, lessons=4)
    client.get("/learning/large")
    # From an empty identity map, as a request starts: the sign-in's account is read too.
    db.session.expunge_all()
    with count_queries() as counter:
        assert client.get("/learning/large/08-module-8/04-lesson-8-4").status_code == 200
    assert counter.count <= 4


def test_a_course_image_is_served_with_safe_headers(login, imported):
    client = login(make_user("participant"))
    response = client.get(f"/course-files/{imported.id}/01-user-needs/images/journey.png")
    assert response.status_code == 200
    assert response.data.startswith(b"\x89PNG")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Cache-Control"].startswith("private")
    assert client.get(f"/course-files/{imported.id}/01-user-needs/images/other.png").status_code == 404
    assert client.get(f"/course-files/{imported.id}/../course.yaml").status_code == 404


def test_a_participant_sees_no_images_of_a_version_they_do_not_read(login, imported, courses_folder):
    from app.courses.importing import import_courses
    from app.extensions import db
    from tests.courses.conftest import edit

    edit(courses_folder / "leading-change/02-delivery/01-small-steps.md", "Release early", "Release earlier")
    import_courses(courses_folder)
    db.session.commit()
    path = "01-user-needs/images/journey.png"
    assert login(make_user("participant")).get(f"/course-files/{imported.id}/{path}").status_code == 404
    assert login(make_user("council_lead")).get(f"/course-files/{imported.id}/{path}").status_code == 404
    assert login(make_user("facilitator")).get(f"/course-files/{imported.id}/{path}").status_code == 200


def test_a_lesson_with_a_script_an_onerror_and_a_javascript_link_imports_and_renders_inert(login, courses_folder):
    from app.courses.importing import import_courses
    from app.extensions import db
    from tests.courses.conftest import edit

    edit(
        courses_folder / "leading-change/02-delivery/01-small-steps.md",
        "Put a small change",
        "<script>alert('script')</script>\n\n"
        '<img src="../01-user-needs/images/journey.png" alt="A journey" onerror="alert(\'onerror\')">\n\n'
        "[Click](javascript:alert('link'))\n\nPut a small change",
    )
    assert import_courses(courses_folder).ok
    db.session.commit()
    response = login(make_user("participant")).get("/learning/leading-change/02-delivery/01-small-steps")
    prose = parse(response).select_one(".app-prose")
    assert "Put a small change" in prose.get_text()
    assert prose.find("script") is None and "alert" not in str(prose)
    assert prose.find("img")["src"].endswith("/01-user-needs/images/journey.png")
    assert not prose.find("a", string="Click").has_attr("href")


def test_the_learning_page_says_so_when_there_is_no_course_yet(login):
    page = parse(login(make_user("participant")).get("/learning/"))
    assert "There are no courses to read yet" in page.select_one("main").get_text()
