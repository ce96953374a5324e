"""Assignment reminders: due in 3 days, tomorrow, overdue; and work waiting for marking."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.cohorts.services import enrol
from app.extensions import db
from app.mail.models import OutboxMessage
from app.reminders.services import plan_reminders
from app.timeutil import to_local, to_utc
from tests.factories import make_assignment, make_cohort, make_submission, make_user

START = date(2027, 3, 1)


def sent(kind: str) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
    return [(m.recipient, f"{to_local(m.created_at):%d %b %H:%M}") for m in rows]


def world(admin):
    cohort = make_cohort(start_on=START)
    assignment = make_assignment(cohort.course_version, due_after_days=14, title="Map one service")  # due 15 March
    ada, bob = make_user("participant", name="Ada"), make_user("participant", name="Bob")
    for person in (ada, bob):
        enrol(cohort, person, actor=admin, now=to_utc(datetime(2027, 2, 26)))
    db.session.commit()
    return cohort, assignment, ada, bob


def run_hourly(start: datetime, end: datetime) -> None:
    import time_machine

    clock = start
    with time_machine.travel(clock, tick=False) as traveller:
        while clock < end:
            plan_reminders(clock)
            db.session.commit()
            clock += timedelta(hours=1)
            traveller.move_to(clock)


def test_due_reminders_go_to_those_who_have_not_submitted(admin):
    cohort, assignment, ada, bob = world(admin)
    make_submission(bob, assignment, submitted_at=to_utc(datetime(2027, 3, 10, 12)))
    run_hourly(to_utc(datetime(2027, 3, 11, 0)), to_utc(datetime(2027, 3, 18, 0)))
    assert sent("assignment_due_3d") == [(ada.email, "12 Mar 09:00")]
    assert sent("assignment_due_1d") == [(ada.email, "14 Mar 09:00")]
    assert sent("assignment_overdue") == [(ada.email, "16 Mar 09:00")]
    facilitator = cohort.facilitators[0]
    assert sent("missed_due_date") == [(facilitator.email, "16 Mar 09:00")]


def test_work_waiting_five_days_is_flagged_to_the_facilitator_once(admin):
    cohort, assignment, ada, bob = world(admin)
    submission = make_submission(ada, assignment, submitted_at=to_utc(datetime(2027, 3, 5, 16)))
    assert plan_reminders(to_utc(datetime(2027, 3, 10, 15))).get("submission_waiting") is None
    for _ in range(3):
        plan_reminders(to_utc(datetime(2027, 3, 10, 17)))
        db.session.commit()
    ((recipient, _),) = sent("submission_waiting")
    assert recipient == cohort.facilitators[0].email
    (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "submission_waiting")).all()
    assert f"/marking/{submission.id}" in message.body_text
