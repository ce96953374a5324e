"""The demo shows assessments to every role: a passed quiz, feedback to read, work to mark."""

from sqlalchemy import func, select

from app import demo
from app.assessments.marking import QueueFilter, queue
from app.assessments.models import QuizAttempt, Submission, SubmissionStatus
from app.assessments.services import enrolment_for, statuses_for
from app.auth.models import User
from app.courses.models import AssessmentKind
from app.extensions import db


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_the_demo_participant_has_a_passed_quiz_feedback_and_work_waiting_for_the_facilitator():
    demo.load()
    db.session.commit()
    demo.load()  # idempotent
    db.session.commit()
    participant = person("participant@adur-worthing.example.gov.uk")
    facilitator = person("facilitator@demo.digital-leadership.example")
    # Other demo participants (the reports demo's cohort) have work of their own.
    assert db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id == participant.id)) == 1
    assert db.session.scalar(select(func.count(Submission.id)).where(Submission.user_id == participant.id)) == 2

    waiting = [row for row in db.session.execute(queue(facilitator, QueueFilter())) if row.participant == participant.name]
    assert [row.number for row in waiting] == [2]
    referred = db.session.scalar(
        select(Submission).where(Submission.status == SubmissionStatus.REFERRED, Submission.user_id == participant.id)
    )
    assert referred.feedback.startswith("A good start") and referred.marked_by_id == facilitator.id

    version = referred.assessment.module.version
    enrolment = enrolment_for(participant, version.id)
    quiz = next(a for m in version.modules for a in m.assessments if a.kind is AssessmentKind.QUIZ)
    assert statuses_for([enrolment])[(enrolment.id, quiz.id)].detail == "Passed with 100%"
