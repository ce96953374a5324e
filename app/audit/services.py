"""Writing audit events, and finding them again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.params import FIRST_YEAR, LAST_YEAR, whole_number
from app.timeutil import format_datetime, to_utc, utcnow


def record(actor, action: str, obj, changes: dict[str, Any] | None = None) -> AuditEvent:
    """Record that `actor` (a User or None for the system) did `action` to `obj`.

    `obj` is a model instance, or a name for something with no row (the whole register).
    """
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj if isinstance(obj, str) else type(obj).__name__,
        object_id=None if isinstance(obj, str) else obj.id,
        changes=changes or {},
        at=utcnow(),
    )
    db.session.add(event)
    return event


#: Events read from the database at a time when exporting, so the CSV streams in flat memory.
BATCH = 1000
#: The most events one CSV holds.
MOST_EXPORTED = 50_000
CSV_HEADER = ["When", "Who", "Email", "Action", "Object", "Object id", "What changed"]


def csv_rows(statement: Select) -> Iterator[list]:
    """The events of a `filtered_events` select as CSV rows, read in batches as they are
    written (from the query csv_response's stream starts)."""
    events = db.session.scalars(statement.limit(MOST_EXPORTED).execution_options(yield_per=BATCH))
    for e in events:
        yield [format_datetime(e.at), e.actor.name if e.actor else "System", e.actor.email if e.actor else "",
               e.action, e.object_type, e.object_id, json.dumps(e.changes or {}, ensure_ascii=False, default=str)]


def _parse_day(text: str) -> date | None:
    """A day written 2027-03-14, within the years any event can have; else None."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def filtered_events(args) -> tuple[Select, dict, dict]:
    """A select of events matching the filters, the filters as understood, and any errors."""
    # Who acted is all the log shows of them: not their council, nor their roles.
    statement = (
        select(AuditEvent)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .options(contains_eager(AuditEvent.actor).lazyload("*"))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    filters = {key: args.get(key, "").strip() for key in ("person", "action", "object", "from", "to")}
    errors = {}
    if filters["person"]:
        person = filters["person"].lower()
        statement = statement.where(
            func.lower(User.name).contains(person, autoescape=True) | User.email.contains(person, autoescape=True)
        )
    if filters["action"]:
        statement = statement.where(AuditEvent.action.like(f"{filters['action']}%"))
    if filters["object"]:
        kind, _, number = filters["object"].partition(":")
        statement = statement.where(func.lower(AuditEvent.object_type) == kind.lower())
        if (object_id := whole_number(number)) is not None:
            statement = statement.where(AuditEvent.object_id == object_id)
    days = {}
    for key in ("from", "to"):
        if filters[key]:
            days[key] = _parse_day(filters[key])
            if days[key] is None:
                errors[key] = "Enter a date like 2027-03-14"
    if days.get("from"):
        statement = statement.where(AuditEvent.at >= to_utc(datetime.combine(days["from"], time.min)))
    if days.get("to"):
        next_day = datetime.combine(days["to"] + timedelta(days=1), time.min)
        statement = statement.where(AuditEvent.at < to_utc(next_day))
    return statement, filters, errors


#: The most events the log counts for a caption; past it, the caption says "more than".
MOST_COUNTED = 1000


def count_up_to(statement: Select, most: int = MOST_COUNTED) -> int:
    """How many events the select matches, counting no further than `most` + 1."""
    matching = statement.order_by(None).with_only_columns(AuditEvent.id).limit(most + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(matching))


def actions_recorded() -> list[str]:
    """Every action the log holds, in order, for the filter's choices.

    Read by hopping along the index on action from each one to the next (a loose index scan),
    so it costs one step per action, not one per event."""
    first = select(func.min(AuditEvent.action).label("action"))
    actions = first.cte("actions", recursive=True)
    later = (
        select(func.min(AuditEvent.action)).where(AuditEvent.action > actions.c.action).scalar_subquery()
    )
    actions = actions.union_all(select(later.label("action")).where(actions.c.action.is_not(None)))
    return list(
        db.session.scalars(
            select(actions.c.action).where(actions.c.action.is_not(None)).order_by(actions.c.action)
        ).all()
    )
