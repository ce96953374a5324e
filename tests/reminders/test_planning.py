from datetime import timedelta

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
