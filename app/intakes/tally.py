"""How many nominations each intake has in each status, kept as nominations change.

The queue's counts and an intake's places in use read these few rows rather than count every
nomination. Every flush that adds, changes or removes nominations changes the tally in the
same transaction, so the two cannot disagree; rows written around the ORM (the benchmarks'
bulk inserts) are counted afresh with `recount()`. Tally rows are updated in one order, by
intake and status, and every change of places takes the intake's lock first
(services.lock_intake), so two transactions that both change them wait for each other rather
than deadlock.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, delete, event, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.intakes.models import HOLDS_A_PLACE, Intake, Nomination, NominationStatus, NominationTally

#: What the tally counts a nomination by.
COUNTED = ("intake_id", "status", "offered_at", "substitution_requested_at")

Key = tuple[int, NominationStatus]


def _values(nomination: Nomination, before: bool) -> tuple:
    """The counted attributes of a nomination as the flush found it (before) or leaves it."""
    values = []
    for name in COUNTED:
        history = inspect(nomination).attrs[name].history
        if before:
            values.append((history.deleted or history.unchanged or [None])[0])
        else:
            values.append((history.added or history.unchanged or [None])[0])
    return tuple(values)


def _add(deltas: dict, values: tuple, sign: int) -> None:
    intake_id, status, offered_at, substitution_requested_at = values
    status = NominationStatus(status)
    delta = deltas[(intake_id, status)]
    delta[0] += sign
    # An offer counts while its nominee waits to be confirmed, as the queue's filter has it.
    delta[1] += sign if offered_at is not None and status is NominationStatus.WAITLISTED else 0
    delta[2] += sign if substitution_requested_at is not None else 0


@event.listens_for(Session, "before_flush")
def _remember_the_deleted(session, _context, _instances) -> None:
    """Load what a nomination about to be deleted was counted by, while its row is there."""
    for obj in session.deleted:
        if isinstance(obj, Nomination):
            for name in COUNTED:
                getattr(obj, name)


@event.listens_for(Session, "after_flush")
def _count(session, _context) -> None:
    """Add this flush's new, changed and removed nominations to the tally."""
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    new_intakes = [obj.id for obj in session.new if isinstance(obj, Intake)]
    for obj in session.new:
        if isinstance(obj, Nomination):
            _add(deltas, _values(obj, before=False), +1)
    for obj in session.deleted:
        if isinstance(obj, Nomination):
            _add(deltas, _values(obj, before=True), -1)
    for obj in session.dirty:
        if isinstance(obj, Nomination) and obj not in session.deleted:
            before, after = _values(obj, before=True), _values(obj, before=False)
            if before != after:
                _add(deltas, before, -1)
                _add(deltas, after, +1)
    connection, tally = session.connection(), NominationTally.__table__
    if new_intakes:
        connection.execute(insert(tally), [
            {"intake_id": intake_id, "status": status, "nominations": 0, "offered": 0, "substitutions": 0}
            for intake_id in sorted(new_intakes) for status in NominationStatus
        ])
    for (intake_id, status), (nominations, offered, substitutions) in sorted(deltas.items()):
        if nominations == offered == substitutions == 0:
            continue
        changed = connection.execute(
            update(tally)
            .where(tally.c.intake_id == intake_id, tally.c.status == status)
            .values(nominations=tally.c.nominations + nominations, offered=tally.c.offered + offered,
                    substitutions=tally.c.substitutions + substitutions)
        )
        if changed.rowcount == 0:  # an intake made around the ORM, never recounted
            connection.execute(insert(tally).values(
                intake_id=intake_id, status=status, nominations=nominations, offered=offered,
                substitutions=substitutions))


def counted_columns() -> tuple:
    """A group of nominations counted as the tally counts them: how many, how many with an
    offer to confirm, how many with a substitution requested."""
    return (
        func.count(),
        func.count(case((Nomination.status == NominationStatus.WAITLISTED, Nomination.offered_at))),
        func.count(Nomination.substitution_requested_at),
    )


def places_used(intake_id):
    """The places in use on an intake (an id, or a column to correlate with), from its tally."""
    return (
        select(func.coalesce(func.sum(NominationTally.nominations), 0))
        .where(NominationTally.intake_id == intake_id, NominationTally.status.in_(HOLDS_A_PLACE))
        .scalar_subquery()
    )


def recount() -> None:
    """Count every intake's nominations afresh, after rows were written around the ORM."""
    db.session.execute(delete(NominationTally))
    db.session.execute(insert(NominationTally).from_select(
        ["intake_id", "status", "nominations", "offered", "substitutions"],
        select(Nomination.intake_id, Nomination.status, *counted_columns())
        .group_by(Nomination.intake_id, Nomination.status),
    ))
