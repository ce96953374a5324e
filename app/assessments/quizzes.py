"""Taking quizzes: starting an attempt with its options shuffled, submitting it, scoring it.

An attempt counts against the limit from the moment it starts, so looking at the questions
and walking away still uses one. Attempts are numbered per person and quiz under a unique
constraint, so two requests starting one at the same moment can never go past the limit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.assessments import scoring
from app.assessments.models import QuizAttempt
from app.assessments.services import AssessmentError, local_today, module_opens_on
from app.cohorts.models import Enrolment
from app.courses.models import Assessment
from app.extensions import db
from app.signals import progress_recorded
from app.timeutil import format_date, utcnow


def closed_reason(enrolment: Enrolment, quiz: Assessment, today: date) -> str | None:
    """Why the quiz cannot be taken today, or None: it opens with its module and stays
    open until the cohort ends."""
    cohort = enrolment.cohort
    opens_on = module_opens_on(cohort, quiz.module_id)
    if today < opens_on:
        return f"This quiz opens on {format_date(opens_on)}, with its module"
    if today > cohort.end_on:
        return f"This quiz closed on {format_date(cohort.end_on)}, when your cohort ended"
    return None


def attempts_of(user_id: int, quiz: Assessment) -> list[QuizAttempt]:
    return list(db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.assessment_id == quiz.id)
        .order_by(QuizAttempt.number)
    ))


def attempts_left(attempts: list[QuizAttempt], quiz: Assessment) -> int:
    return max(quiz.attempts - len(attempts), 0)


def _limit_error(quiz: Assessment) -> AssessmentError:
    noun = "attempt" if quiz.attempts == 1 else "attempts"
    return AssessmentError(f"You have used all {quiz.attempts} {noun} at this quiz", field="start")


def start_attempt(quiz: Assessment, enrolment: Enrolment, *, now: datetime | None = None) -> QuizAttempt:
    """The participant's attempt in progress, or a new one with freshly shuffled options."""
    now = now or utcnow()
    reason = closed_reason(enrolment, quiz, local_today(now))
    if reason:
        raise AssessmentError(reason, field="start")
    for _ in range(2):  # a second go only if another request took this attempt's number
        # One statement, so the attempt in progress and the count come from the same moment.
        attempts = attempts_of(enrolment.user_id, quiz)
        current = next((a for a in attempts if not a.is_submitted), None)
        if current is not None:
            return current
        last = max((a.number for a in attempts), default=0)
        if last >= quiz.attempts:
            raise _limit_error(quiz)
        attempt = QuizAttempt(
            user_id=enrolment.user_id, assessment_id=quiz.id, number=last + 1,
            option_order=scoring.shuffled_options(quiz.questions), started_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(attempt)
        except IntegrityError:
            continue  # a double click or a second tab started one at the same moment
        return attempt
    raise AssessmentError("Another attempt was started at the same moment. Try again", field="start")


def _check_answers(quiz: Assessment, answers: dict[str, list[str]]) -> None:
    for position, question in enumerate(quiz.questions, start=1):
        problem = scoring.answer_problem(question, position, answers.get(question["id"], []))
        if problem:
            raise AssessmentError(problem, field=f"question-{question['id']}")


def submit_attempt(
    attempt: QuizAttempt, enrolment: Enrolment, answers: dict[str, list[str]], *, now: datetime | None = None
) -> scoring.QuizScore:
    """Check and score the answers ({question id: [option id, ...]}) and close the attempt.

    The certificate is issued at once if this pass was the last thing left to complete.
    """
    now = now or utcnow()
    quiz = attempt.assessment
    if attempt.is_submitted:
        raise AssessmentError("You have already submitted this attempt", field="start")
    reason = closed_reason(enrolment, quiz, local_today(now))
    if reason:
        raise AssessmentError(reason, field="start")
    _check_answers(quiz, answers)
    chosen = {q["id"]: sorted(set(answers[q["id"]])) for q in quiz.questions}
    result = scoring.score(quiz.questions, chosen, quiz.pass_mark)
    # Only an open attempt is closed: a second submission of the same page changes nothing.
    closed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=chosen, score=result.percent, passed=result.passed, submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise AssessmentError("You have already submitted this attempt", field="start")
    db.session.expire(attempt)
    if result.passed:
        # Issued by the service itself, not by the participant.
        progress_recorded.send(enrolments=[enrolment], actor=None)
    return result


def result_of(attempt: QuizAttempt) -> scoring.QuizScore:
    """A submitted attempt's score, question by question, worked out again from its answers."""
    quiz = attempt.assessment
    return scoring.score(quiz.questions, attempt.answers or {}, quiz.pass_mark)
