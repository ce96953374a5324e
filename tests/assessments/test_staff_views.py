"""Facilitators mark through the pages; files reach only those allowed; the gradebook; query counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from app.assessments.models import QuizAttempt, SubmissionStatus
from app.cohorts.services import enrol
from app.extensions import db
from app.timeutil import utcnow
from tests.assessments.conftest import PDF, assignment_of, quiz_of
from tests.factories import make_cohort, make_intake, make_submission, make_user
from tests.pages import parse


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.fixture
def assignment(imported):
    return assignment_of(imported)


@pytest.fixture
def submission(participant, assignment):
    return make_submission(participant, assignment, text="Users: tenants.", file=PDF)


MARK = {"criterion-1": "met", "criterion-2": "partly_met", "outcome": "pass", "feedback": "Good, clear plan."}


def test_a_file_is_served_to_its_author_their_facilitators_and_admins_only(login, submission, participant, facilitator,
                                                                           cohort):
    url = f"/submissions/{submission.id}/file"
    for person in (participant, facilitator, make_user("admin")):
        response = login(person).get(url)
        assert response.status_code == 200, person
        assert response.data == PDF
        assert response.headers["Content-Disposition"] == "attachment; filename=my-plan.pdf"
    classmate = make_user("participant")
    enrol(cohort, classmate, actor=None)
    db.session.commit()
    for person in (classmate, make_user("facilitator"), make_user("council_lead", council=participant.council)):
        assert login(person).get(url).status_code == 404, person


def test_a_draft_file_is_its_authors_alone(login, participant, assignment, facilitator):
    draft = make_submission(participant, assignment, status="draft", file=PDF)
    assert login(participant).get(f"/submissions/{draft.id}/file").status_code == 200
    assert login(facilitator).get(f"/submissions/{draft.id}/file").status_code == 404
    assert login(facilitator).get(f"/marking/{draft.id}").status_code == 404


def test_a_facilitator_marks_from_the_queue_and_the_participant_reads_the_feedback(login, submission, facilitator,
                                                                                   participant):
    marker = login(facilitator)
    page = parse(marker.get("/marking/"))
    (row,) = page.select("#queue tbody tr")
    assert text(row).startswith("Pat Learner")
    page = parse(marker.get(row.a["href"]))
    assert text(page.h1) == "Pat Learner: Plan one small change"
    assert [text(legend) for legend in page.select("form legend")][:2] == [
        "Criterion 1 of 2 Names the users the change is for", "Criterion 2 of 2 Says how the team will know it worked"]
    version = page.select_one("input[name=version]")["value"]
    response = marker.post(f"/marking/{submission.id}", data={**MARK, "version": version})
    assert response.headers["Location"] == "/marking/"
    page = parse(marker.get("/marking/"))
    assert "You passed Pat Learner’s submission" in text(page.select_one(".govuk-notification-banner"))
    assert text(page.select_one("#queue-empty")) == "Nothing is waiting for marking."

    page = parse(login(participant).get(f"/assignments/{submission.assessment_id}"))
    assert text(page.select_one("#assignment-status")).startswith("Passed on ")
    assert text(page.select_one(".app-feedback")) == "Good, clear plan."


def test_refusing_to_refer_without_feedback_keeps_the_judgements(login, submission, facilitator):
    page = parse(login(facilitator).post(f"/marking/{submission.id}", data={
        **MARK, "outcome": "refer", "feedback": "", "version": "1"}))
    assert text(page.select_one("#feedback-error")) == "Error: Enter feedback that says what to change before resubmitting"
    assert page.select_one("input[name=criterion-2][value=partly_met]").has_attr("checked")
    assert page.select_one("input[name=outcome][value=refer]").has_attr("checked")


def test_a_mark_without_judgements_is_refused_beside_each_criterion(login, submission, facilitator):
    page = parse(login(facilitator).post(f"/marking/{submission.id}", data={"outcome": "pass", "version": "1"}))
    assert [text(a) for a in page.select(".govuk-error-summary a")] == [
        "Choose met, partly met or not met for criterion 1", "Choose met, partly met or not met for criterion 2"]


def test_a_tampered_page_version_asks_the_marker_to_reload_and_marks_nothing(login, submission, facilitator):
    page = parse(login(facilitator).post(f"/marking/{submission.id}", data={**MARK, "version": "9" * 40}))
    assert [text(a) for a in page.select(".govuk-error-summary a")] == ["This page is out of date: reload it and mark again"]
    assert page.select_one("input[name=outcome][value=pass]").has_attr("checked")
    db.session.refresh(submission)
    assert not submission.is_marked


def test_two_markers_at_once_make_one_mark_and_one_conflict_message(login, submission, facilitator, cohort):
    second = make_user("facilitator", name="Sam Second")
    cohort.facilitators.append(second)
    db.session.commit()
    first_client, second_client = login(facilitator), login(second)
    seen = [parse(c.get(f"/marking/{submission.id}")).select_one("input[name=version]")["value"]
            for c in (first_client, second_client)]
    assert first_client.post(f"/marking/{submission.id}", data={**MARK, "version": seen[0]}).status_code == 302
    response = second_client.post(f"/marking/{submission.id}", data={
        **MARK, "outcome": "refer", "feedback": "Needs a measure.", "version": seen[1]})
    assert response.status_code == 409
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert text(page.select_one(".govuk-error-summary")).startswith(
        "This submission has already been marked Fay Marker marked this submission on ")
    assert "Needs a measure." in text(page.select_one("#unsaved-feedback"))
    assert text(page.select_one("#current-mark .app-feedback")) == "Good, clear plan."
    db.session.refresh(submission)
    assert (submission.status, submission.feedback) == (SubmissionStatus.PASSED, "Good, clear plan.")


def test_a_facilitator_of_another_cohort_sees_nothing(login, submission, cohort):
    stranger = login(make_user("facilitator"))
    assert stranger.get(f"/marking/{submission.id}").status_code == 404
    assert stranger.get(f"/cohorts/{cohort.id}/gradebook").status_code == 404
    assert stranger.get(f"/cohorts/{cohort.id}/gradebook.csv").status_code == 404
    assert "Pat Learner" not in stranger.get("/marking/?state=all").get_data(as_text=True)


def test_the_gradebook_shows_each_status_and_exports_it(login, imported, cohort, participant, submission, facilitator):
    db.session.add(QuizAttempt(user_id=participant.id, assessment_id=quiz_of(imported).id, number=1, option_order={},
                               answers={}, score=50, passed=True, submitted_at=utcnow()))
    enrol(cohort, make_user("participant", name="Zed Later"), actor=None)
    db.session.commit()
    client = login(facilitator)
    page = parse(client.get(f"/cohorts/{cohort.id}/gradebook"))
    rows = {text(tr.th): [text(td) for td in tr.select("td")] for tr in page.select("#gradebook tbody tr")}
    assert rows["Pat Learner"][0] == "Passed Passed with 50%"
    assert rows["Pat Learner"][1].startswith("Submitted Submitted on ") and rows["Pat Learner"][1].endswith(
        "waiting for marking Mark of Pat Learner’s Module 2 assignment")
    assert rows["Zed Later"] == ["Not started", "Not started"]

    response = client.get(f"/cohorts/{cohort.id}/gradebook.csv")
    assert response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == ["Participant", "Email", "Council", "Module 1 quiz: User needs - check your understanding",
                        "Module 2 assignment: Plan one small change"]
    assert table[1][0] == "Pat Learner" and table[1][3:] == ["Passed (50%)", "Submitted"]
    assert table[2][3:] == ["Not started", "Not started"]


def _cohort_of(size: int, facilitator, imported):
    cohort = make_cohort(make_intake(course=imported.course), facilitators=[facilitator], capacity=size,
                         start_on=cohort_start())
    quiz, assignment = quiz_of(imported), assignment_of(imported)
    for n in range(size):
        person = make_user("participant")
        enrol(cohort, person, actor=None)
        db.session.add(QuizAttempt(user_id=person.id, assessment_id=quiz.id, number=1, option_order={},
                                   answers={}, score=40 + n, passed=False, submitted_at=utcnow()))
        make_submission(person, assignment, submitted_at=utcnow() - timedelta(hours=n), late=n % 2 == 0)
    db.session.commit()
    return cohort


def cohort_start():
    from app.assessments.services import local_today

    return local_today() - timedelta(days=20)


def test_the_queue_and_gradebook_make_the_same_number_of_queries_for_5_and_30_participants(
    login, imported, count_queries
):
    small_marker, large_marker = make_user("facilitator"), make_user("facilitator")
    small, large = _cohort_of(5, small_marker, imported), _cohort_of(30, large_marker, imported)
    counts = {}
    for name, marker, cohort in (("small", small_marker, small), ("large", large_marker, large)):
        client = login(marker)
        client.get("/")  # the first request after signing in also loads the account
        for url in ("/marking/", f"/cohorts/{cohort.id}/gradebook", f"/cohorts/{cohort.id}/gradebook.csv"):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts[(name, url.replace(str(cohort.id), "N"))] = counter.count
    for url in ("/marking/", "/cohorts/N/gradebook", "/cohorts/N/gradebook.csv"):
        assert counts[("small", url)] == counts[("large", url)], url
    assert counts[("large", "/marking/")] <= 12


def test_an_incomplete_mark_of_work_someone_else_has_marked_is_a_conflict_too(login, submission, facilitator, cohort):
    second = make_user("facilitator", name="Sam Second")
    cohort.facilitators.append(second)
    db.session.commit()
    assert login(facilitator).post(f"/marking/{submission.id}", data={**MARK, "version": "1"}).status_code == 302
    response = login(second).post(f"/marking/{submission.id}", data={"version": "1"})
    assert response.status_code == 409
    assert "Fay Marker marked this submission on " in text(parse(response).select_one(".govuk-error-summary"))
