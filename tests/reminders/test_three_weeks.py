"""A three-week cohort, hour by hour: exactly which reminders go to whom, and when."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cohorts import attendance, services
from app.extensions import db
from app.mail.delivery import deliver_pending
from app.mail.models import OutboxMessage, OutboxStatus
from app.reminders.kinds import KINDS
from app.reminders.services import plan_reminders, set_preferences, unsubscribe_link
from app.auth.services import grant_role
from app.auth.models import Role
from app.timeutil import to_local, to_utc
from tests.factories import make_cohort, make_live_session, make_user

START = date(2027, 3, 1)  # a Monday; the clocks go forward on 28 March, after the cohort


@pytest.fixture
def cohort_world(admin):
    facilitator = make_user("facilitator", name="Fran Facilitator")
    cohort = make_cohort(start_on=START, facilitators=[facilitator], capacity=5)
    ada = make_user("participant", name="Ada")
    bob = make_user("participant", name="Bob")
    grant_role(facilitator, Role.PARTICIPANT, council=ada.council)  # two roles, one person
    joined = to_utc(datetime(2027, 2, 26, 9))
    enrolments = {p.name: services.enrol(cohort, p, actor=admin, now=joined) for p in (ada, bob, facilitator)}
    sessions = [
        make_live_session(cohort, starts_at=to_utc(datetime(2027, 3, 3 + 7 * week, 10)), title=f"Week {week + 1}")
        for week in range(3)
    ]
    set_preferences(bob, switched_off={"session_1h"})
    for person in (ada, bob, facilitator):
        person.last_seen_at = joined
    db.session.commit()
    return cohort, facilitator, ada, bob, enrolments, sessions


def outbox() -> list[tuple[str, str, str]]:
    """The reminders queued, by kind, recipient and local time (not the emails of setting up,
    such as each person's place in the cohort)."""
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind.in_(KINDS)).order_by(OutboxMessage.id)
    ).all()
    return [(m.kind, m.recipient, f"{to_local(m.created_at):%d %b %H:%M}") for m in rows]


@pytest.mark.timeout(600)  # 504 planning runs: slow on a busy machine, and that is all
def test_three_weeks_of_reminders(cohort_world, admin, app, smtp):
    import time_machine

    cohort, facilitator, ada, bob, enrolments, (week1, week2, week3) = cohort_world
    deliver_pending()
    smtp.messages.clear()  # the emails telling each person of their place, before the three weeks
    clock = to_utc(datetime(2027, 3, 1, 0))
    end = to_utc(datetime(2027, 3, 22, 0))
    with time_machine.travel(clock, tick=False) as traveller:
        while clock < end:
            if clock == week1.ends_at + timedelta(hours=1):  # week 1's register, with Bob absent
                attendance.record_register(week1, actor=facilitator, now=clock, marks={
                    enrolments["Ada"].id: ("present", None), enrolments["Bob"].id: ("absent", None),
                    enrolments["Fran Facilitator"].id: ("present", None),
                })
            if plan_reminders(clock):
                assert plan_reminders(clock) == {}  # a re-run, as after a restart, sends nothing twice
            db.session.commit()
            deliver_pending(now=clock)  # beside planning, as the scheduler runs it: nothing expires
            clock += timedelta(hours=1)
            traveller.move_to(clock)

    sent = outbox()
    expected = []
    for session, day in ((week1, 2), (week2, 9), (week3, 16)):
        expected += [("session_24h", p.email, f"{day:02d} Mar 10:00") for p in (ada, bob, facilitator)]
        expected += [("session_1h", p.email, f"{day + 1:02d} Mar 09:00") for p in (ada, facilitator)]
    expected += [("absence_notice", bob.email, "03 Mar 13:00")]
    expected += [("register_not_taken", facilitator.email, "10 Mar 14:00")]
    expected += [("register_not_taken", facilitator.email, "17 Mar 14:00")]
    # Nobody has signed in since 26 February: on 12 March they are 14 days quiet.
    expected += [("inactive_14d", p.email, "12 Mar 09:00") for p in (ada, bob, facilitator)]
    assert sorted(sent) == sorted(expected)

    assert len(smtp.messages) == len(expected)
    assert set(db.session.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT}
    tomorrow = [m for m in smtp.to(ada.email) if m["Subject"].startswith("Tomorrow: Week 1")]
    (attachment,) = list(tomorrow[0].iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    absence = smtp.to(bob.email)
    assert any("Week 1" in m["Subject"] and "3 March 2027 at 10am" in m["Subject"] for m in absence)


def test_an_unsubscribe_link_switches_that_kind_off(cohort_world, client):
    cohort, facilitator, ada, bob, enrolments, (week1, *_) = cohort_world
    link = unsubscribe_link(ada, "session_24h").split("lms.test", 1)[1]
    assert client.post(link).status_code == 200  # one click, no CSRF token: RFC 8058
    plan_reminders(week1.starts_at - timedelta(hours=20))
    db.session.commit()
    assert ada.email not in [recipient for kind, recipient, _ in outbox() if kind == "session_24h"]
    assert bob.email in [recipient for kind, recipient, _ in outbox() if kind == "session_24h"]


def test_a_moved_session_gets_one_new_reminder(cohort_world, admin):
    from app.cohorts.sessions import update_session

    cohort, facilitator, ada, bob, enrolments, (week1, *_) = cohort_world
    now = week1.starts_at - timedelta(hours=30)
    update_session(week1, actor=admin, title=week1.title, module=None, starts_at=now + timedelta(hours=23),
                   ends_at=now + timedelta(hours=25), location="Shoreham Centre", join_url=None)
    db.session.commit()
    for _ in range(3):
        plan_reminders(now)
        db.session.commit()
    reminders = [r for r in outbox() if r[0] == "session_24h"]
    assert sorted(recipient for _, recipient, _ in reminders) == sorted([ada.email, bob.email, facilitator.email])


def test_a_reminder_across_the_clock_change_goes_at_the_right_local_time(admin):
    facilitator = make_user("facilitator")
    cohort = make_cohort(start_on=date(2027, 3, 22), facilitators=[facilitator])
    session = make_live_session(cohort, starts_at=to_utc(datetime(2027, 3, 29, 10)))  # Monday after BST begins
    db.session.commit()
    assert plan_reminders(to_utc(datetime(2027, 3, 28, 9, 59))).get("session_24h") is None
    assert plan_reminders(to_utc(datetime(2027, 3, 28, 10, 0)))["session_24h"] == 1
    assert to_utc(datetime(2027, 3, 28, 10, 0)) == datetime(2027, 3, 28, 9, 0)  # 10am BST is 9am UTC
    assert session.starts_at == datetime(2027, 3, 29, 9, 0)


def test_a_facilitator_who_chose_a_digest_gets_one_email_a_day(cohort_world, app):
    cohort, facilitator, ada, bob, enrolments, (week1, week2, week3) = cohort_world
    make_live_session(cohort, starts_at=to_utc(datetime(2027, 3, 16, 14)), title="Extra clinic")
    set_preferences(facilitator, switched_off=set(), daily_digest=True)
    db.session.commit()
    after_both = to_utc(datetime(2027, 3, 18, 6, 0))  # the clinic and week 3 both lack a register
    assert "register_not_taken" not in plan_reminders(after_both)
    assert "staff_digest" not in plan_reminders(after_both)  # before 7am
    counts = plan_reminders(after_both + timedelta(hours=1))
    db.session.commit()
    assert counts.get("staff_digest") == 1
    (digest,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff_digest")).all()
    assert "Extra clinic" in digest.body_text and "Week 3" in digest.body_text
