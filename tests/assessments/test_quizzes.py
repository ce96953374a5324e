"""Taking a quiz: shuffled options remembered per attempt, answers checked, the limit, the window."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.assessments import quizzes
from app.assessments.models import QuizAttempt
from app.assessments.services import AssessmentError, statuses_for
from app.certificates.models import Certificate
from app.cohorts.models import EnrolmentStatus
from app.cohorts.services import enrol, transfer
from app.courses.services import complete_lesson, outline
from app.extensions import db
from app.timeutil import to_utc
from tests.assessments.conftest import assignment_of, enrolment_of, quiz_of, right_answers, wrong_answers
from tests.factories import hold_sessions, make_cohort, make_submission


@pytest.fixture
def quiz(imported):
    return quiz_of(imported)


@pytest.fixture
def enrolment(participant, cohort):
    return enrolment_of(participant, cohort)


def noon(day) -> datetime:
    return to_utc(datetime.combine(day, time(12)))


def test_starting_an_attempt_remembers_a_shuffle_of_every_question(quiz, enrolment):
    attempt = quizzes.start_attempt(quiz, enrolment)
    db.session.commit()
    assert attempt.number == 1
    for question in quiz.questions:
        assert sorted(attempt.option_order[question["id"]]) == sorted(o for o, _ in question["options"])
    assert quizzes.start_attempt(quiz, enrolment).id == attempt.id  # the same attempt carries on


def test_a_shuffled_attempt_scores_the_same_as_the_file_order(quiz, enrolment):
    attempt = quizzes.start_attempt(quiz, enrolment)
    attempt.option_order = {q["id"]: list(reversed([o for o, _ in q["options"]])) for q in quiz.questions}
    result = quizzes.submit_attempt(attempt, enrolment, right_answers(quiz))
    db.session.commit()
    assert (result.percent, result.passed) == (100, True)
    assert (attempt.score, attempt.passed, attempt.answers) == (100, True, {
        q["id"]: sorted(q["correct"]) for q in quiz.questions
    })


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"what-is-a-need": ["z"], "ways-to-find-out": ["a"]}, "question-what-is-a-need",
         "Choose from the options given for question 1"),
        ({"what-is-a-need": ["b"]}, "question-ways-to-find-out", "Select at least one answer to question 2"),
        ({"what-is-a-need": ["a", "b"], "ways-to-find-out": ["a"]}, "question-what-is-a-need",
         "Select only one answer to question 1"),
    ],
    ids=["not-an-option", "missing", "two-answers-to-one"],
)
def test_answers_that_are_not_answers_are_refused_and_nothing_is_stored(quiz, enrolment, answers, field, message):
    attempt = quizzes.start_attempt(quiz, enrolment)
    db.session.commit()
    with pytest.raises(AssessmentError) as refused:
        quizzes.submit_attempt(attempt, enrolment, answers)
    db.session.rollback()
    assert (refused.value.field, str(refused.value)) == (field, message)
    db.session.refresh(attempt)
    assert attempt.submitted_at is None and attempt.answers is None


def test_the_attempt_limit_counts_attempts_started(quiz, enrolment):
    for _ in range(quiz.attempts):
        attempt = quizzes.start_attempt(quiz, enrolment)
        quizzes.submit_attempt(attempt, enrolment, wrong_answers(quiz))
    db.session.commit()
    with pytest.raises(AssessmentError, match="You have used all 2 attempts at this quiz"):
        quizzes.start_attempt(quiz, enrolment)


def test_an_attempt_cannot_be_submitted_twice(quiz, enrolment):
    attempt = quizzes.start_attempt(quiz, enrolment)
    quizzes.submit_attempt(attempt, enrolment, wrong_answers(quiz))
    db.session.commit()
    with pytest.raises(AssessmentError, match="already submitted"):
        quizzes.submit_attempt(attempt, enrolment, right_answers(quiz))
    db.session.rollback()
    db.session.refresh(attempt)
    assert attempt.score == 0


def test_two_attempts_can_never_share_a_number(quiz, participant):
    """What keeps two simultaneous starts within the limit: the database refuses the second."""
    db.session.add(QuizAttempt(user_id=participant.id, assessment_id=quiz.id, number=1, option_order={}))
    db.session.commit()
    db.session.add(QuizAttempt(user_id=participant.id, assessment_id=quiz.id, number=1, option_order={}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_best_attempt_counts(quiz, enrolment):
    first = quizzes.start_attempt(quiz, enrolment)
    quizzes.submit_attempt(first, enrolment, right_answers(quiz))
    second = quizzes.start_attempt(quiz, enrolment)
    quizzes.submit_attempt(second, enrolment, wrong_answers(quiz))
    db.session.commit()
    status = statuses_for([enrolment])[(enrolment.id, quiz.id)]
    assert (status.passed, status.detail) == (True, "Passed with 100%")


def test_the_quiz_opens_with_its_module_and_closes_when_the_cohort_ends(quiz, enrolment, cohort):
    module = cohort.schedule[0]
    module.opens_on = cohort.start_on + timedelta(days=3)
    db.session.commit()
    with pytest.raises(AssessmentError, match=f"This quiz opens on {module.opens_on.day} "):
        quizzes.start_attempt(quiz, enrolment, now=noon(module.opens_on - timedelta(days=1)))
    assert quizzes.start_attempt(quiz, enrolment, now=noon(module.opens_on)).number == 1
    attempt = quizzes.start_attempt(quiz, enrolment, now=noon(cohort.end_on))
    with pytest.raises(AssessmentError, match="when your cohort ended"):
        quizzes.submit_attempt(attempt, enrolment, right_answers(quiz), now=noon(cohort.end_on + timedelta(days=1)))
    assert quizzes.submit_attempt(attempt, enrolment, right_answers(quiz), now=noon(cohort.end_on)).passed


def test_passing_the_last_thing_left_issues_the_certificate_at_once(imported, quiz, enrolment, participant, facilitator):
    hold_sessions(enrolment.cohort, imported.live_sessions, actor=facilitator, present=[enrolment])
    for module in outline(imported):
        for lesson in module.lessons:
            complete_lesson(participant, lesson)
    make_submission(participant, assignment_of(imported), status="passed")
    attempt = quizzes.start_attempt(quiz, enrolment)
    quizzes.submit_attempt(attempt, enrolment, wrong_answers(quiz))
    assert db.session.scalar(select(func.count(Certificate.id))) == 0

    attempt = quizzes.start_attempt(quiz, enrolment)
    quizzes.submit_attempt(attempt, enrolment, right_answers(quiz))
    db.session.commit()
    certificate = db.session.scalar(select(Certificate))
    assert certificate.enrolment_id == enrolment.id
    assert enrolment.status is EnrolmentStatus.COMPLETED


def test_a_participant_who_moves_cohort_keeps_their_attempts(imported, quiz, enrolment, cohort, facilitator):
    attempt = quizzes.start_attempt(quiz, enrolment)
    quizzes.submit_attempt(attempt, enrolment, wrong_answers(quiz))
    other = make_cohort(cohort.intake, facilitators=[facilitator], start_on=cohort.start_on)
    moved = transfer(enrolment, other, actor=None, reason="Shift pattern")
    db.session.commit()
    assert statuses_for([moved])[(moved.id, quiz.id)].detail == "Not yet passed: best score 0%, 50% needed"
    second = quizzes.start_attempt(quiz, moved)
    assert second.number == 2
    quizzes.submit_attempt(second, moved, wrong_answers(quiz))
    with pytest.raises(AssessmentError, match="You have used all 2 attempts"):
        quizzes.start_attempt(quiz, moved)


def test_someone_else_in_the_cohort_has_their_own_attempts(quiz, enrolment, cohort):
    from tests.factories import make_user

    other = enrol(cohort, make_user("participant"), actor=None)
    quizzes.submit_attempt(quizzes.start_attempt(quiz, enrolment), enrolment, right_answers(quiz))
    db.session.commit()
    statuses = statuses_for([enrolment, other])
    assert statuses[(other.id, quiz.id)].detail == "Not started"
    assert quizzes.start_attempt(quiz, other).number == 1
