"""The waiting list of an intake: kept in order, and first in line when a place is freed."""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.audit.services import record
from app.extensions import db
from app.intakes.models import Nomination, NominationStatus
from app.timeutil import utcnow


def join_waiting_list(nomination: Nomination) -> None:
    """Put a nomination at the end of its intake's waiting list (the intake must be locked)."""
    last = db.session.scalar(
        select(func.max(Nomination.waitlist_position)).where(Nomination.intake_id == nomination.intake_id)
    )
    nomination.waitlist_position = (last or 0) + 1


def leave_waiting_list(nomination: Nomination) -> None:
    """Take a nomination off the waiting list; those behind it move up one, keeping their order."""
    position = nomination.waitlist_position
    if position is None:
        return
    nomination.waitlist_position = None
    db.session.flush()
    db.session.execute(
        update(Nomination)
        .where(Nomination.intake_id == nomination.intake_id, Nomination.waitlist_position > position)
        .values(waitlist_position=Nomination.waitlist_position - 1)
        .execution_options(synchronize_session="fetch")
    )


def offer_freed_place(freed: Nomination) -> Nomination | None:
    """Offer the place `freed` gave up to the next waitlisted nominee of the same council.

    The programme team confirms an offer by accepting it. Returns the nominee offered the
    place, or None when the council has nobody waiting.
    """
    nominee = db.session.scalars(
        select(Nomination)
        .where(
            Nomination.intake_id == freed.intake_id,
            Nomination.council_id == freed.council_id,
            Nomination.status == NominationStatus.WAITLISTED,
            Nomination.offered_at.is_(None),
        )
        .order_by(Nomination.waitlist_position)
        .limit(1)
    ).first()
    if nominee is None:
        return None
    nominee.offered_at = utcnow()
    record(None, "nomination.place_offered", nominee, {"freed_by": freed.id})
    return nominee
