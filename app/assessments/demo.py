"""Demonstration assessments: the demo participant in a running cohort with a passed quiz, an
assignment referred with feedback, and its resubmission waiting in the demo facilitator's queue.

Idempotent: a cohort, attempt or submission made before is left alone. Made through the
services, so the demo shows exactly what the service would have done.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.assessments import assignments, marking, quizzes
from app.assessments.services import enrolment_for, local_today
from app.auth.models import User
from app.cohorts.services import create_cohort, enrol, latest_version
from app.courses.models import AssessmentKind, Course
from app.extensions import db
from app.intakes.models import Intake, Nomination

DEMO_COHORT = "Spring cohort A"
ADMIN = "admin@demo.digital-leadership.example"
FACILITATOR = "facilitator@demo.digital-leadership.example"
PARTICIPANT = "participant@adur-worthing.example.gov.uk"

FIRST_ANSWER = (
    "I mapped reporting a missed bin. I listened to 20 recorded calls and used the online form myself. "
    "Residents mostly want to know when the crew will come back; the form never tells them."
)
FEEDBACK = (
    "A good start: the calls you listened to give you real evidence. Before you resubmit, say who finds the service "
    "hard to use (people who are offline, or who cannot lift a bin) and give a first step for each improvement."
)
SECOND_ANSWER = FIRST_ANSWER + (
    "\n\nPeople who cannot put their bin out use the assisted collection list, which crews do not see on their "
    "round sheets. First steps: show assisted collections on the crews' tablets; text residents when a missed "
    "bin is booked; publish the date of the return visit on the form's confirmation page."
)


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _enrolment(version, participant: User, facilitator: User, admin: User):
    """The participant's place on the course, in a cohort that started a month ago if they have none."""
    existing = enrolment_for(participant, version.id)
    if existing is not None:
        return existing
    intake = db.session.scalar(select(Intake).where(Intake.course_id == version.course_id).order_by(Intake.id))
    if intake is None:
        return None
    start_on = local_today() - timedelta(days=30)
    cohort = create_cohort(actor=admin, intake=intake, name=DEMO_COHORT, capacity=20, start_on=start_on,
                           end_on=start_on + timedelta(days=120), facilitators=[facilitator])
    nomination = db.session.scalar(
        select(Nomination).where(Nomination.intake_id == intake.id, Nomination.participant_id == participant.id)
    )
    return enrol(cohort, participant, actor=admin, nomination=nomination)


def load_assessments() -> None:
    course = db.session.scalar(select(Course).where(Course.slug == "digital-leadership"))
    version = latest_version(course) if course is not None else None
    people = [_user(email) for email in (PARTICIPANT, FACILITATOR, ADMIN)]
    if version is None or None in people:
        return
    participant, facilitator, admin = people
    enrolment = _enrolment(version, participant, facilitator, admin)
    if enrolment is None:
        return
    work = [a for m in version.modules for a in m.assessments]
    quiz = next(a for a in work if a.kind is AssessmentKind.QUIZ)
    if not quizzes.attempts_of(participant.id, quiz):
        attempt = quizzes.start_attempt(quiz, enrolment)
        quizzes.submit_attempt(attempt, enrolment, {q["id"]: list(q["correct"]) for q in quiz.questions})
    assignment = next((a for a in work if a.kind is AssessmentKind.ASSIGNMENT), None)
    if assignment is None or assignments.submissions_of(participant.id, assignment):
        return
    first = assignments.save(assignment, enrolment, text=FIRST_ANSWER, upload=None, submit=True)
    marking.mark(first, actor=facilitator, outcome="refer", feedback=FEEDBACK,
                 judgements=["partly_met"] * len(assignment.criteria or []), seen_version=first.version)
    assignments.save(assignment, enrolment, text=SECOND_ANSWER, upload=None, submit=True)
