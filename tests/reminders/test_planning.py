from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.reminders.services import plan_reminders
from app.timeutil import utcnow
from tests.factories import make_user


def outbox(kind: str) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def test_an_unaccepted_invitation_is_nudged_once_after_three_days():
    invited = utcnow()
    waiting = make_user("participant", password=None, invited_at=invited)
    make_user("participant", invited_at=invited)  # accepted: has a password

    assert plan_reminders(invited + timedelta(days=2, hours=23)) == {}
    for _ in range(3):
        plan_reminders(invited + timedelta(days=3, minutes=1))
        db.session.commit()
    (nudge,) = outbox("invitation_unaccepted")
    assert nudge.recipient == waiting.email
    assert "/set-password/" in nudge.body_text
    assert "List-Unsubscribe" not in nudge.headers  # a service message: always goes


def test_planning_ten_times_the_reminders_runs_no_more_statements(admin, count_queries):
    from app.cohorts.services import enrol
    from tests.factories import make_cohort, make_live_session

    now = datetime(2027, 3, 1, 9)
    cohort = make_cohort(capacity=40)
    for _ in range(3):
        enrol(cohort, make_user("participant"), actor=admin, now=now - timedelta(days=7))
    session = make_live_session(cohort, starts_at=now + timedelta(hours=20))
    db.session.commit()
    with count_queries() as few:
        assert plan_reminders(now) == {"session_24h": 4}  # three participants and the facilitator
    db.session.commit()

    for _ in range(27):
        enrol(cohort, make_user("participant"), actor=admin, now=now - timedelta(days=7))
    session.starts_at, session.ends_at = session.starts_at + timedelta(hours=1), session.ends_at + timedelta(hours=1)
    db.session.commit()  # moved, so everyone is due a fresh reminder
    with count_queries() as many:
        assert plan_reminders(now) == {"session_24h": 31}
    assert many.count <= few.count
    assert len(outbox("session_24h")) == 35
    assert all(len(message.attachments) == 1 for message in outbox("session_24h"))  # each its calendar file
