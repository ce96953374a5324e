"""The completion checklist reads assessments from here, in a bounded number of queries."""

from __future__ import annotations

from app.assessments.models import QuizAttempt
from app.certificates.completion import completion_for, completions_for
from app.cohorts.services import enrol, enrolments_of
from app.extensions import db
from app.timeutil import utcnow
from tests.assessments.conftest import assignment_of, enrolment_of, quiz_of
from tests.factories import make_submission, make_user


def test_each_required_assessment_is_a_criterion_in_plain_english(imported, cohort, participant):
    db.session.add(QuizAttempt(user_id=participant.id, assessment_id=quiz_of(imported).id, number=1,
                               option_order={}, answers={}, score=0, passed=False, submitted_at=utcnow()))
    make_submission(participant, assignment_of(imported), status="referred")
    criteria = {c.name: c for c in completion_for(enrolment_of(participant, cohort)).criteria}
    assert criteria["Module 1 quiz"].detail == "Module 1 quiz: Not yet passed: best score 0%, 50% needed"
    assert criteria["Module 2 assignment"].detail == (
        "Module 2 assignment: Referred: resubmit with the changes in your feedback")
    assert not criteria["Module 1 quiz"].met and not criteria["Module 2 assignment"].met


def test_the_checklist_of_a_whole_cohort_takes_the_same_queries_for_2_and_20_people(cohort, count_queries):
    for _ in range(20):
        enrol(cohort, make_user("participant"), actor=None)
    db.session.commit()
    people = enrolments_of(cohort)
    counts = []
    for enrolments in (people[:2], people):
        with count_queries() as counter:
            completions_for(enrolments)
        counts.append(counter.count)
    # lessons 2, assessments 3, attendance 3 (transfers, marks, sessions still to settle)
    assert counts[0] == counts[1] <= 9
