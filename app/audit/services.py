"""Writing audit events, and finding them again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager

from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.params import FIRST_YEAR, LAST_YEAR, LIKE_ESCAPE, like_pattern, whole_number
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
#: The most events the log counts for a caption; past it, the caption says "more than".
MOST_COUNTED = 1000


@dataclass(frozen=True)
class EventFilter:
    """What the log is narrowed to, as the values of its statements' bind parameters: each
    one given (not None) narrows it."""

    #: Part of the actor's name or email address, lower case, its wildcards escaped.
    person: str | None = None
    #: The start of the action, as a LIKE pattern.
    action: str | None = None
    #: The object's type, lower case, and its id.
    object_type: str | None = None
    object_id: int | None = None
    #: From this time (UTC) and before that.
    since: datetime | None = None
    until: datetime | None = None

    def given(self) -> tuple[str, ...]:
        """The names of the filters given, which pick the statement that applies them."""
        return tuple(name for name, value in vars(self).items() if value is not None)


# The log's statements are made once for each set of filters given, on first use, and run
# with the filters' values: making them cost the page as much as running them. Those the page
# runs read the tables' columns rather than the mapped classes', so that the session runs them
# as Core statements, without the ORM's handling of results: about 0.03 ms a query.
_events, _people = AuditEvent.__table__, User.__table__
_EVENTS_AND_ACTORS = _events.outerjoin(_people, _people.c.id == _events.c.actor_id)
#: The log's order: newest first.
_NEWEST_FIRST = (_events.c.at.desc(), _events.c.id.desc())


def _narrowed(statement: Select, given: tuple[str, ...]) -> Select:
    """`statement` narrowed by the filters named in `given`, their values left to the bind
    parameters of the same names (EventFilter). `statement` joins the actor as User."""
    person = bindparam("person")
    criteria = {
        "person": func.lower(_people.c.name).contains(person, escape=LIKE_ESCAPE)
        | _people.c.email.contains(person, escape=LIKE_ESCAPE),
        "action": _events.c.action.like(bindparam("action")),
        "object_type": func.lower(_events.c.object_type) == bindparam("object_type"),
        "object_id": _events.c.object_id == bindparam("object_id"),
        "since": _events.c.at >= bindparam("since"),
        "until": _events.c.at < bindparam("until"),
    }
    return statement.where(*(criteria[name] for name in given))


@cache
def _page_select(given: tuple[str, ...]) -> Select:
    # Who acted is all the log shows of them: not their council, nor their roles.
    statement = select(
        _events.c.at,
        _people.c.name.label("actor_name"),
        _events.c.action,
        _events.c.object_type,
        _events.c.object_id,
        _events.c.changes,
    ).select_from(_EVENTS_AND_ACTORS)
    return (
        _narrowed(statement, given).order_by(*_NEWEST_FIRST).limit(bindparam("limit")).offset(bindparam("offset"))
    )


@cache
def _count_select(given: tuple[str, ...]) -> Select:
    matching = _narrowed(select(_events.c.id).select_from(_EVENTS_AND_ACTORS), given)
    return select(func.count()).select_from(matching.limit(bindparam("most")).subquery())


@cache
def _export_select(given: tuple[str, ...]) -> Select:
    statement = (
        select(AuditEvent)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .options(contains_eager(AuditEvent.actor).lazyload("*"))
    )
    return _narrowed(statement, given).order_by(*_NEWEST_FIRST).limit(MOST_EXPORTED)


def page_of_events(events: EventFilter, page: int, per_page: int) -> list:
    """The `page`th `per_page` events matching the filters, newest first, and one more if there
    is a next page, as rows of what the log shows of each: when, the actor's name (None for
    the system), the action, the object's type and id, and what changed."""
    parameters = vars(events) | {"limit": per_page + 1, "offset": (page - 1) * per_page}
    return db.session.execute(_page_select(events.given()), parameters).all()


_NEWEST_ID = select(func.max(_events.c.id))


def newest_event_id() -> int | None:
    """The id of the event written last: the log changes only when it does."""
    return db.session.scalar(_NEWEST_ID)


def count_up_to(events: EventFilter, most: int = MOST_COUNTED) -> int:
    """How many events match the filters, counting no further than `most` + 1."""
    return db.session.scalar(_count_select(events.given()), vars(events) | {"most": most + 1})


def csv_rows(events: EventFilter) -> Iterator[list]:
    """The events matching the filters as CSV rows, newest first, read in batches as they are
    written (from the query csv_response's stream starts)."""
    statement = _export_select(events.given()).execution_options(yield_per=BATCH)
    for e in db.session.scalars(statement, vars(events)):
        yield [format_datetime(e.at), e.actor.name if e.actor else "System", e.actor.email if e.actor else "",
               e.action, e.object_type, e.object_id, json.dumps(e.changes or {}, ensure_ascii=False, default=str)]


def _parse_day(text: str) -> date | None:
    """A day written 2027-03-14, within the years any event can have; else None."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def filtered_events(args) -> tuple[EventFilter, dict, dict]:
    """The filters of a query string: as the log applies them, as typed, and any errors."""
    filters = {key: args.get(key, "").strip() for key in ("person", "action", "object", "from", "to")}
    errors = {}
    narrowed = {}
    if filters["person"]:
        narrowed["person"] = like_pattern(filters["person"].lower())
    if filters["action"]:
        narrowed["action"] = f"{filters['action']}%"
    if filters["object"]:
        kind, _, number = filters["object"].partition(":")
        narrowed["object_type"] = kind.lower()
        narrowed["object_id"] = whole_number(number)
    days = {}
    for key in ("from", "to"):
        if filters[key]:
            days[key] = _parse_day(filters[key])
            if days[key] is None:
                errors[key] = "Enter a date like 2027-03-14"
    if days.get("from"):
        narrowed["since"] = to_utc(datetime.combine(days["from"], time.min))
    if days.get("to"):
        narrowed["until"] = to_utc(datetime.combine(days["to"] + timedelta(days=1), time.min))
    return EventFilter(**narrowed), filters, errors


@cache
def _actions_select() -> Select:
    action = _events.c.action
    actions = select(func.min(action).label("action")).cte("actions", recursive=True)
    later = select(func.min(action)).where(action > actions.c.action).scalar_subquery()
    actions = actions.union_all(select(later.label("action")).where(actions.c.action.is_not(None)))
    return select(actions.c.action).where(actions.c.action.is_not(None)).order_by(actions.c.action)


def actions_recorded() -> list[str]:
    """Every action the log holds, in order, for the filter's choices.

    Read by hopping along the index on action from each one to the next (a loose index scan),
    so it costs one step per action, not one per event."""
    return list(db.session.scalars(_actions_select()).all())
