"""A participant's home answers "what do I do next?" in a fixed number of queries."""

from datetime import timedelta

from app.assessments.services import local_today
from app.cohorts.services import enrol
from app.courses.services import complete_lesson
from app.extensions import db
from app.timeutil import format_date, utcnow
from tests.factories import make_assignment, make_cohort, make_live_session, make_submission, make_user
from tests.pages import parse


def text_of(page, selector: str) -> str:
    return " ".join(page.select_one(selector).get_text().split())


def placed_participant():
    cohort = make_cohort(start_on=local_today())
    person = make_user("participant")
    enrol(cohort, person, actor=None)
    db.session.commit()
    return cohort, person


def test_the_home_page_says_what_to_do_next(login):
    cohort, person = placed_participant()
    version = cohort.course_version
    complete_lesson(person, version.modules[0].lessons[0])
    session = make_live_session(cohort, starts_at=utcnow() + timedelta(days=2), title="Workshop 1: Why digital")
    session.join_url = "https://meet.example.gov.uk/workshop-1"
    assignment = make_assignment(version, module_position=1)
    submission = make_submission(person, assignment, status="referred")
    submission.marked_at, submission.feedback = utcnow(), "Say how you will measure the change."
    db.session.commit()

    page = parse(login(person).get("/"))
    course = version.course.slug
    assert page.select_one("#continue a")["href"] == f"/learning/{course}/01-module-1/02-lesson-1-2"
    quiz = version.modules[0].assessments[0]
    assert text_of(page, "#next-due") == (
        f"Next thing due Quiz: Check your understanding, due on {format_date(local_today() + timedelta(days=14))}."
    )
    assert page.select_one("#next-due a")["href"] == f"/quizzes/{quiz.id}"
    assert "Workshop 1: Why digital" in text_of(page, "#next-session")
    assert page.select_one("#next-session a[href^='https://meet']")["href"] == "https://meet.example.gov.uk/workshop-1"
    assert page.select_one(f"#next-session a[href='/sessions/{session.id}.ics']")
    assert "Say how you will measure the change." in text_of(page, "#latest-feedback")
    assert page.select_one("#latest-feedback a")["href"] == f"/assignments/{assignment.id}"
    assert text_of(page, "#home-progress").startswith("1 of 4 lessons completed (25%)")
    hrefs = {a["href"] for a in page.select("main a")}
    assert {"/my/attendance", "/my/progress"} <= hrefs


def test_once_every_open_lesson_is_read_the_home_page_says_when_the_next_module_opens(login):
    cohort, person = placed_participant()
    for lesson in cohort.course_version.modules[0].lessons:
        complete_lesson(person, lesson)
    db.session.commit()
    page = parse(login(person).get("/"))
    assert text_of(page, "#continue") == (
        "Continue where you left off You have read every lesson open so far. "
        f"The next module opens on {format_date(local_today() + timedelta(days=14))}."
    )


def test_the_home_page_takes_the_same_queries_however_far_in_someone_is(login, count_queries):
    cohort, person = placed_participant()
    make_live_session(cohort, starts_at=utcnow() + timedelta(hours=1))
    client = login(person)
    client.get("/")
    with count_queries() as before:
        client.get("/")
    for lesson in cohort.course_version.modules[0].lessons:
        complete_lesson(person, lesson)
    for day in range(5):
        make_live_session(cohort, starts_at=utcnow() + timedelta(days=day + 1))
    db.session.commit()
    client.get("/")  # reloads what the test's own writes expired
    with count_queries() as after:
        client.get("/")
    assert after.count == before.count
