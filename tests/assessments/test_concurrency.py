"""Requests racing each other on PostgreSQL: attempts never pass the limit, marks never overwrite."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.assessments import marking, quizzes
from app.assessments.models import QuizAttempt, Submission, SubmissionStatus
from app.assessments.services import AssessmentError
from app.auth.models import User
from app.cohorts.models import Enrolment
from app.courses.models import Assessment
from app.extensions import db
from tests.assessments.conftest import assignment_of, enrolment_of, quiz_of, wrong_answers
from tests.factories import make_submission, make_user

RACERS = 10

pytestmark = pytest.mark.postgres


def race(app, count: int, act) -> list[str]:
    """Run act(n) in `count` threads released at the same moment, each in its own
    transaction; returns each one's result or refusal."""
    results = [""] * count
    start = threading.Barrier(count)

    def run(n: int) -> None:
        with app.app_context():
            db.session.commit()  # start with no transaction open
            start.wait()
            try:
                results[n] = act(n)
                db.session.commit()
            except AssessmentError as error:
                db.session.rollback()
                results[n] = str(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_starts_make_one_attempt_within_the_limit(app, imported, participant, cohort):
    quiz = quiz_of(imported)
    enrolment = enrolment_of(participant, cohort)
    quizzes.submit_attempt(quizzes.start_attempt(quiz, enrolment), enrolment, wrong_answers(quiz))
    db.session.commit()
    quiz_id, enrolment_id = quiz.id, enrolment.id

    results = race(app, RACERS, lambda n: str(quizzes.start_attempt(
        db.session.get(Assessment, quiz_id), db.session.get(Enrolment, enrolment_id)).number))

    assert results == ["2"] * RACERS
    db.session.expire_all()
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == quiz.attempts == 2


def test_two_markers_at_the_same_moment_make_one_mark_and_one_conflict(app, imported, participant, cohort, facilitator):
    second = make_user("facilitator", name="Sam Second")
    cohort.facilitators.append(second)
    db.session.commit()
    submission = make_submission(participant, assignment_of(imported))
    markers, submission_id, seen = [facilitator.id, second.id], submission.id, submission.version

    def mark(n: int) -> str:
        marking.mark(db.session.get(Submission, submission_id), actor=db.session.get(User, markers[n]),
                     outcome=["pass", "refer"][n], feedback=f"Feedback {n}", judgements=["met", "met"],
                     seen_version=seen)
        return "marked"

    results = race(app, 2, mark)

    assert sorted(results)[1] == "marked"
    assert "marked this submission on" in sorted(results)[0]
    db.session.expire_all()
    marked = db.session.get(Submission, submission_id)
    assert marked.version == seen + 1
    assert marked.status in (SubmissionStatus.PASSED, SubmissionStatus.REFERRED)
