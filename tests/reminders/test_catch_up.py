"""A day with no scheduler: on its return, nothing stale goes out and what is still useful goes once."""

from datetime import date, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.cohorts.services import enrol
from app.extensions import db
from app.mail.delivery import deliver_pending
from app.mail.models import OutboxMessage, OutboxStatus
from app.reminders.services import plan_reminders
from tests.factories import make_assignment, make_cohort, make_live_session, make_submission, make_user

START = date(2027, 3, 1)  # a Monday in GMT: every time here is UK time and UTC alike
DOWN = datetime(2027, 3, 2, 7)  # planning ran, then the scheduler died before delivering
BACK = DOWN + timedelta(hours=24)


def run(start: datetime, end: datetime, traveller) -> None:
    """Plan and deliver every hour from `start` until before `end`, as the scheduler does."""
    clock = start
    while clock < end:
        traveller.move_to(clock)
        plan_reminders(clock)
        db.session.commit()
        deliver_pending(now=clock)
        clock += timedelta(hours=1)


def test_after_a_day_down_nothing_stale_is_sent_and_what_is_useful_is_sent_once(admin, smtp):
    facilitator = make_user("facilitator", name="Fran")
    cohort = make_cohort(start_on=START, facilitators=[facilitator])
    ada, bob = make_user("participant", name="Ada"), make_user("participant", name="Bob")
    for person in (ada, bob):
        enrol(cohort, person, actor=admin, now=datetime(2027, 2, 26))
    # Its hour's reminder was queued by the last planning before the outage, never delivered.
    make_live_session(cohort, starts_at=datetime(2027, 3, 2, 7, 30), title="Early")
    make_live_session(cohort, starts_at=datetime(2027, 3, 2, 12), title="Held")  # while down
    make_live_session(cohort, starts_at=datetime(2027, 3, 3, 8, 30), title="Soon")  # 90 minutes after
    make_live_session(cohort, starts_at=datetime(2027, 3, 3, 15), title="Later")  # the same afternoon
    assignment = make_assignment(cohort.course_version, due_after_days=2, title="Map one service")  # due 3 March
    make_submission(bob, assignment, submitted_at=datetime(2027, 3, 1, 12))
    db.session.commit()
    people = sorted(p.email for p in (ada, bob, facilitator))

    with time_machine.travel(datetime(2027, 3, 1), tick=False) as traveller:
        run(datetime(2027, 3, 1), DOWN, traveller)
        traveller.move_to(DOWN)
        plan_reminders(DOWN)
        db.session.commit()
        before = [(m["To"], m["Subject"]) for m in smtp.messages]
        smtp.messages.clear()
        run(BACK, BACK + timedelta(hours=4), traveller)

    received = sorted((m["To"], m["Subject"].split(",")[0]) for m in smtp.messages)
    assert received == sorted(
        [(email, "Today: Later") for email in people]  # its "tomorrow" fell due while down
        + [(email, "Starting in an hour: Soon") for email in people]  # "tomorrow" was too late
        + [(ada.email, "Due today: Map one service")]  # still before the due moment
        + [(facilitator.email, "Register not taken: Early"), (facilitator.email, "Register not taken: Held")]
    )
    assert not {(m["To"], m["Subject"]) for m in smtp.messages} & set(before)  # each once
    expired = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.status == OutboxStatus.EXPIRED)
    ).all()
    assert sorted(subject.split(",")[0] for subject in expired) == ["Starting in an hour: Early"] * 3
