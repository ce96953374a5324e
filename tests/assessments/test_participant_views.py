"""Participants take quizzes and write assignments through the pages, and bad input is refused."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.assessments.models import QuizAttempt, Submission
from app.assessments.assignments import MAX_TEXT
from app.assessments.uploads import MAX_BYTES
from app.extensions import db
from tests.assessments.conftest import PDF, assignment_of, quiz_of
from tests.factories import make_submission, make_user
from tests.pages import parse


def text(node) -> str:
    return " ".join(node.get_text().split())


@pytest.fixture
def quiz(imported):
    return quiz_of(imported)


@pytest.fixture
def assignment(imported):
    return assignment_of(imported)


@pytest.fixture
def client(login, participant):
    return login(participant)


def start(client, quiz) -> QuizAttempt:
    response = client.post(f"/quizzes/{quiz.id}/start")
    attempt_id = int(re.search(r"/quiz-attempts/(\d+)$", response.headers["Location"]).group(1))
    return db.session.get(QuizAttempt, attempt_id)


def test_the_course_overview_links_to_the_quiz_and_the_assignment_with_where_i_stand(client, quiz, assignment):
    page = parse(client.get("/learning/leading-change"))
    links = {text(a): a["href"] for a in page.select(".govuk-task-list a")}
    assert links["Quiz: User needs - check your understanding"] == f"/quizzes/{quiz.id}"
    assert links["Assignment: Plan one small change"] == f"/assignments/{assignment.id}"
    statuses = [text(li.select_one(".govuk-task-list__status")) for li in page.select(".govuk-task-list__item")
                if li.select_one("a") and "Quiz" in text(li.select_one("a"))]
    assert statuses == ["Not started"]


def test_a_quiz_not_started_says_so_once(client, quiz):
    where = parse(client.get(f"/quizzes/{quiz.id}")).find("dt", string=lambda s: "Where you are" in s).find_next("dd")
    assert text(where) == "Not started"


def test_a_participant_takes_a_quiz_with_shuffled_options_and_sees_the_result(client, quiz):
    page = parse(client.get(f"/quizzes/{quiz.id}"))
    assert text(page.select_one("#quiz-status")) == "Not started"
    attempt = start(client, quiz)
    order = {q["id"]: list(reversed([o for o, _ in q["options"]])) for q in quiz.questions}
    attempt.option_order = order
    db.session.commit()

    page = parse(client.get(f"/quiz-attempts/{attempt.id}"))
    shown = [i["value"] for i in page.select("input[name='question-ways-to-find-out']")]
    assert shown == order["ways-to-find-out"]
    response = client.post(f"/quiz-attempts/{attempt.id}", data={
        "question-what-is-a-need": "b", "question-ways-to-find-out": ["d", "b", "a"],
    })
    assert response.headers["Location"] == f"/quiz-attempts/{attempt.id}/result"
    page = parse(client.get(response.headers["Location"]))
    assert text(page.h1) == "You passed"
    assert text(page.select_one("#score")) == (
        "You answered 2 of 2 questions correctly (100%). The pass mark is 50%.")
    assert "First-hand evidence beats second-hand opinion." in text(page.select_one("#result-ways-to-find-out"))
    assert [text(li) for li in page.select("#result-ways-to-find-out li")] == [
        "Reading complaints", "Listening to calls", "Watching people use the service"]
    page = parse(client.get(f"/quizzes/{quiz.id}"))
    assert text(page.select_one("#quiz-status")) == "Passed with 100%"


def test_a_missing_answer_and_an_answer_that_is_not_an_option_are_refused_beside_the_question(client, quiz):
    attempt = start(client, quiz)
    page = parse(client.post(f"/quiz-attempts/{attempt.id}", data={"question-what-is-a-need": "zzz"}))
    assert page.title.get_text().startswith("Error: ")
    summary = [text(a) for a in page.select(".govuk-error-summary a")]
    assert summary == ["Choose from the options given for question 1", "Select at least one answer to question 2"]
    assert "Select at least one answer to question 2" in text(page.select_one("#question-ways-to-find-out-error"))
    db.session.refresh(attempt)
    assert attempt.submitted_at is None


def test_an_attempt_beyond_the_limit_is_refused_with_a_reason(client, quiz):
    for _ in range(quiz.attempts):
        attempt = start(client, quiz)
        client.post(f"/quiz-attempts/{attempt.id}", data={"question-what-is-a-need": "a", "question-ways-to-find-out": "c"})
    page = parse(client.post(f"/quizzes/{quiz.id}/start"))
    assert text(page.select_one(".govuk-error-summary")) == "There is a problem You have used all 2 attempts at this quiz"
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2
    assert "Not passed: best score 0%, 50% needed, and all 2 attempts used" in text(page.select_one("#quiz-status"))


def test_nobody_else_can_open_my_attempt_and_nobody_outside_the_cohort_can_open_the_quiz(login, client, quiz, cohort):
    from app.cohorts.services import enrol

    attempt = start(client, quiz)
    classmate = make_user("participant")
    enrol(cohort, classmate, actor=None)
    db.session.commit()
    other = login(classmate)
    assert other.get(f"/quiz-attempts/{attempt.id}").status_code == 404
    assert other.get(f"/quiz-attempts/{attempt.id}/result").status_code == 404
    outsider = login(make_user("participant"))
    assert outsider.get(f"/quizzes/{quiz.id}").status_code == 404
    assert client.get(f"/assignments/{quiz.id}").status_code == 404  # a quiz is not an assignment


def test_a_participant_saves_a_draft_then_submits_it_with_a_file(client, assignment):
    response = client.post(f"/assignments/{assignment.id}", data={"text": "My plan", "save": "Save as draft"})
    assert response.status_code == 302
    page = parse(client.get(f"/assignments/{assignment.id}"))
    assert "Your draft has been saved" in text(page.select_one(".govuk-notification-banner"))
    assert page.select_one("textarea[name=text]").get_text().strip() == "My plan"
    assert text(page.select_one("#assignment-status")) == "Draft saved, not yet submitted"

    response = client.post(f"/assignments/{assignment.id}", data={
        "text": "My plan, done", "file": (io.BytesIO(PDF), "plan.pdf"), "send": "Submit for marking",
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    page = parse(client.get(f"/assignments/{assignment.id}"))
    assert text(page.select_one("#assignment-status")).startswith("Submitted on ")
    assert "waiting for marking, so it cannot be changed" in text(page.select_one("#your-answer + .govuk-inset-text"))
    assert page.select_one("textarea[name=text]") is None
    link = page.select_one(".app-submission a[download]")
    assert text(link) == "plan.pdf"
    download = client.get(link["href"])
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("plan.pdf", b"MZ\x90\x00 renamed program", "The selected file must be a PDF, DOCX or ODT"),
        ("plan.pdf", b"", "The selected file is empty"),
        ("plan.pdf", b"%PDF-" + b"0" * MAX_BYTES, "The selected file must be smaller than 10MB"),
        ("../../plan.pdf", PDF, "The file name must not contain / or \\. Rename the file and select it again"),
    ],
    ids=["renamed-program", "empty", "too-big", "path"],
)
def test_a_bad_file_is_refused_beside_the_field_keeping_what_was_typed(client, assignment, filename, data, message):
    page = parse(client.post(f"/assignments/{assignment.id}", data={
        "text": "Typed with care", "file": (io.BytesIO(data), filename), "send": "Submit for marking",
    }, content_type="multipart/form-data"))
    assert text(page.select_one("#file-error")) == f"Error: {message}"
    assert page.select_one("textarea[name=text]").get_text().strip() == "Typed with care"
    assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_a_file_just_over_10mb_with_the_longest_answer_is_refused_beside_the_field_not_by_the_request_limit(
        client, assignment):
    answer = "🙂" * MAX_TEXT  # 4 bytes a character: the most the answer can weigh
    response = client.post(f"/assignments/{assignment.id}", data={
        "text": answer, "file": (io.BytesIO(b"%PDF-" + b"0" * MAX_BYTES), "plan.pdf"), "save": "Save as draft",
    }, content_type="multipart/form-data")
    page = parse(response)
    assert response.status_code == 200
    assert text(page.select_one("#file-error")) == "Error: The selected file must be smaller than 10MB"
    assert page.select_one("textarea[name=text]").get_text().strip() == answer


@pytest.mark.parametrize("csrf", [False, True], ids=["in-the-view", "in-the-csrf-check"])
def test_a_request_over_the_limit_shows_the_assignment_again_with_the_error_beside_the_file(
        app, client, assignment, csrf, monkeypatch):
    client.post(f"/assignments/{assignment.id}", data={"text": "My saved draft", "save": "Save as draft"})
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)
    response = client.post(f"/assignments/{assignment.id}", data={
        "text": "Typed since", "save": "Save as draft",
        "file": (io.BytesIO(b"%PDF-" + b"0" * app.config["MAX_CONTENT_LENGTH"]), "plan.pdf"),
    }, content_type="multipart/form-data")
    page = parse(response)
    assert response.status_code == 413
    assert page.title.get_text().startswith("Error: ")
    assert text(page.select_one("#file-error")) == "Error: The selected file must be smaller than 10MB"
    assert page.select_one("textarea[name=text]").get_text().strip() == "My saved draft"


def test_a_request_over_the_limit_elsewhere_or_by_someone_else_is_a_plain_413(
        app, login, client, assignment, quiz, monkeypatch):
    stranger = login(make_user("participant"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production: the CSRF check reads the request
    for sender, url in ((stranger, f"/assignments/{assignment.id}"), (client, f"/quizzes/{quiz.id}/start")):
        big = {"file": (io.BytesIO(b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)), "plan.pdf")}
        response = sender.post(url, data=big, content_type="multipart/form-data")
        assert response.status_code == 413
        assert "The file is too big" in text(parse(response).select_one("h1"))
        assert parse(response).select_one("textarea") is None


def test_submitting_nothing_is_refused(client, assignment):
    page = parse(client.post(f"/assignments/{assignment.id}", data={"text": " ", "send": "Submit for marking"}))
    assert text(page.select_one("#text-error")) == "Error: Enter your answer or upload a file"


def test_a_participant_reads_the_feedback_and_resubmits_a_referral(client, participant, assignment, facilitator):
    first = make_submission(participant, assignment, status="referred", text="First go")
    first.feedback, first.marked_by_id = "Say how you will know it worked.", facilitator.id
    first.judgements = [{"criterion": "Names the users the change is for", "judgement": "met"},
                        {"criterion": "Says how the team will know it worked", "judgement": "not_met"}]
    from app.timeutil import utcnow

    first.marked_at = utcnow()
    db.session.commit()
    page = parse(client.get(f"/assignments/{assignment.id}"))
    assert text(page.select_one(".app-feedback")) == "Say how you will know it worked."
    assert [text(td) for td in page.select(".app-submission tbody td")] == [
        "Names the users the change is for", "Met", "Says how the team will know it worked", "Not met"]
    assert text(page.select_one("#your-answer")) == "Your resubmission"
    assert page.select_one("textarea[name=text]").get_text().strip() == "First go"
    client.post(f"/assignments/{assignment.id}", data={"text": "Second go", "send": "Submit for marking"})
    assert db.session.scalar(select(func.count(Submission.id))) == 2


def test_the_overview_makes_the_same_number_of_queries_however_much_work_there_is(
    login, client, cohort, quiz, assignment, count_queries
):
    from app.cohorts.services import enrol

    busy = make_user("participant")
    enrol(cohort, busy, actor=None)
    for number in (1, 2):
        db.session.add(QuizAttempt(user_id=busy.id, assessment_id=quiz.id, number=number, option_order={}))
    make_submission(busy, assignment, status="referred")
    make_submission(busy, assignment, number=2)
    counts = []
    for reader in (client, login(busy)):
        reader.get("/")  # the first request after signing in also loads the account
        with count_queries() as counter:
            assert reader.get("/learning/leading-change").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
