"""Marking: pass or refer with feedback and judgements, one mark when two markers race, audited, emailed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.assessments import marking
from app.assessments.marking import MarkingConflict, QueueFilter
from app.assessments.models import QuizAttempt, SubmissionStatus
from app.assessments.services import AssessmentError, statuses_for
from app.audit.models import AuditEvent
from app.certificates.models import Certificate
from app.cohorts.services import enrol, transfer
from app.courses.services import complete_lesson, outline
from app.extensions import db
from app.mail.delivery import deliver_pending
from app.timeutil import utcnow
from tests.assessments.conftest import assignment_of, enrolment_of, quiz_of
from tests.factories import hold_sessions, make_cohort, make_submission, make_user


@pytest.fixture
def assignment(imported):
    return assignment_of(imported)


@pytest.fixture
def submission(participant, assignment):
    return make_submission(participant, assignment, text="Users: tenants. Measure: repeat calls.")


def mark(submission, actor, outcome="pass", feedback="Clear and well evidenced.", judgements=("met", "partly_met"),
         seen_version=None):
    marking.mark(submission, actor=actor, outcome=outcome, feedback=feedback, judgements=list(judgements),
                 seen_version=submission.version if seen_version is None else seen_version)


def test_a_pass_records_the_mark_audits_it_and_emails_the_participant(smtp, submission, facilitator, participant):
    deliver_pending()
    smtp.messages.clear()  # the email telling them of their place
    mark(submission, facilitator)
    db.session.commit()
    assert submission.status is SubmissionStatus.PASSED
    assert submission.marked_by_id == facilitator.id and submission.version == 2
    assert submission.judgements == [
        {"criterion": "Names the users the change is for", "judgement": "met"},
        {"criterion": "Says how the team will know it worked", "judgement": "partly_met"},
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "submission.marked"))
    assert (event.actor_id, event.object_id, event.changes["outcome"]) == (facilitator.id, submission.id, [None, "pass"])

    deliver_pending()
    (message,) = smtp.to(participant.email)
    assert message["Subject"] == "Your assignment has passed: Plan one small change"
    body = message.get_body(("plain",)).get_content()
    assert "it has passed" in body
    assert f"http://lms.test/assignments/{submission.assessment_id}" in body


def test_a_referral_needs_feedback(smtp, submission, facilitator, participant):
    deliver_pending()
    smtp.messages.clear()  # the email telling them of their place
    with pytest.raises(AssessmentError, match="Enter feedback that says what to change") as refused:
        mark(submission, facilitator, outcome="refer", feedback="  ")
    assert refused.value.field == "feedback"
    mark(submission, facilitator, outcome="refer", feedback="Say how you will measure it.")
    db.session.commit()
    assert submission.status is SubmissionStatus.REFERRED
    deliver_pending()
    (message,) = smtp.to(participant.email)
    assert message["Subject"] == "Your assignment needs more work: Plan one small change"


@pytest.mark.parametrize(
    ("outcome", "judgements", "field", "message"),
    [
        (None, ("met", "met"), "outcome", "Choose pass or refer"),
        ("maybe", ("met", "met"), "outcome", "Choose pass or refer"),
        ("pass", ("met",), "criterion-2", "Choose met, partly met or not met for criterion 2"),
        ("pass", ("met", "brilliant"), "criterion-2", "Choose met, partly met or not met for criterion 2"),
    ],
)
def test_a_mark_without_an_outcome_or_a_judgement_for_each_criterion_is_refused(
    submission, facilitator, outcome, judgements, field, message
):
    with pytest.raises(AssessmentError) as refused:
        mark(submission, facilitator, outcome=outcome, judgements=judgements)
    assert (refused.value.field, str(refused.value)) == (field, message)
    db.session.rollback()
    assert submission.status is SubmissionStatus.SUBMITTED


def test_the_second_of_two_markers_gets_a_conflict_and_the_first_mark_stands(submission, facilitator, cohort):
    other = make_user("facilitator", name="Sam Second")
    cohort.facilitators.append(other)
    db.session.commit()
    seen = submission.version  # both opened the marking page at this version
    mark(submission, facilitator, outcome="pass", seen_version=seen)
    db.session.commit()
    with pytest.raises(MarkingConflict) as conflict:
        mark(submission, other, outcome="refer", feedback="Not enough.", seen_version=seen)
    db.session.rollback()
    assert str(conflict.value).startswith("Fay Marker marked this submission on ")
    assert "Your mark was not saved" in str(conflict.value)
    db.session.refresh(submission)
    assert (submission.status, submission.marked_by_id, submission.feedback) == (
        SubmissionStatus.PASSED, facilitator.id, "Clear and well evidenced.")
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "submission.marked")) == 1


def test_passing_the_last_assignment_issues_the_certificate(imported, submission, facilitator, participant, cohort):
    hold_sessions(cohort, imported.live_sessions, actor=facilitator, present=[enrolment_of(participant, cohort)])
    for module in outline(imported):
        for lesson in module.lessons:
            complete_lesson(participant, lesson)
    db.session.add(QuizAttempt(user_id=participant.id, assessment_id=quiz_of(imported).id, number=1,
                               option_order={}, answers={}, score=100, passed=True, submitted_at=submission.submitted_at))
    db.session.commit()
    mark(submission, facilitator)
    db.session.commit()
    certificate = db.session.scalar(select(Certificate))
    assert certificate.enrolment_id == enrolment_of(participant, cohort).id


def test_who_may_mark_follows_the_participant_to_their_new_cohort(submission, facilitator, participant, cohort):
    newcomer = make_user("facilitator")
    admin = make_user("admin")
    assert marking.may_mark(facilitator, submission) and marking.may_mark(admin, submission)
    assert not marking.may_mark(newcomer, submission) and not marking.may_mark(participant, submission)
    assert marking.may_see(participant, submission)
    other = make_cohort(cohort.intake, facilitators=[newcomer], start_on=cohort.start_on)
    transfer(enrolment_of(participant, cohort), other, actor=None, reason="Moved team")
    db.session.commit()
    assert marking.may_mark(newcomer, submission) and not marking.may_mark(facilitator, submission)


def test_a_draft_is_seen_by_its_author_only(participant, assignment, facilitator):
    draft = make_submission(participant, assignment, status="draft")
    assert marking.may_see(participant, draft)
    assert not marking.may_see(facilitator, draft) and not marking.may_see(make_user("admin"), draft)


def test_the_queue_shows_the_facilitators_cohorts_oldest_first_with_filters(imported, cohort, facilitator, assignment):
    people = [make_user("participant", name=name) for name in ("Ann", "Bob", "Cat")]
    for person in people:
        enrol(cohort, person, actor=None)
    elsewhere = make_cohort(cohort.intake, start_on=cohort.start_on)
    stranger = make_user("participant", name="Dee")
    enrol(elsewhere, stranger, actor=None)
    db.session.commit()
    make_submission(people[1], assignment, submitted_at=utcnow() - timedelta(days=1))
    make_submission(people[0], assignment, submitted_at=utcnow() - timedelta(days=3))
    make_submission(people[2], assignment, status="passed")
    make_submission(people[2], assignment, status="draft", number=2)
    make_submission(stranger, assignment)

    def names(filters):
        return [row.participant for row in db.session.execute(marking.queue(facilitator, filters))]

    assert names(QueueFilter()) == ["Ann", "Bob"]
    assert names(QueueFilter(state="marked")) == ["Cat"]
    assert names(QueueFilter(state="all")) == ["Ann", "Bob", "Cat"]
    assert names(QueueFilter(cohort_id=elsewhere.id)) == []
    assert names(QueueFilter(assessment_id=assignment.id + 999)) == []
    assert "Dee" in [row.participant for row in db.session.execute(marking.queue(make_user("admin"), QueueFilter()))]


def test_a_queue_filter_from_a_hand_edited_address_is_ignored_not_an_error():
    assert QueueFilter.from_args({"cohort": "x1", "assignment": "", "state": "nonsense"}) == QueueFilter()


def test_the_gradebook_statuses_say_where_each_person_stands(imported, cohort, participant, assignment):
    enrolment = enrolment_of(participant, cohort)
    make_submission(participant, assignment, status="referred")
    statuses = statuses_for([enrolment])
    assert statuses[(enrolment.id, assignment.id)].short == "Referred"
    assert statuses[(enrolment.id, quiz_of(imported).id)].short == "Not started"
