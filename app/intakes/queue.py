"""The programme team's queue of nominations: filters, counts and a nomination's history."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, func, select

from app.audit.models import AuditEvent
from app.councils.models import Council
from app.extensions import db
from app.intakes import tally
from app.intakes.models import QUEUE_ORDER, Intake, Nomination, NominationStatus, NominationTally
from app.params import LIKE_ESCAPE, like_pattern, query_id

#: Queue views beyond the statuses: the things waiting for the programme team to confirm.
OFFERED = "offered"
SUBSTITUTION = "substitution"


#: The status filter's options: every status, then the things to confirm.
STATUS_FILTERS = [
    ("", "All nominations"),
    *[(s.value, s.label) for s in NominationStatus],
    (OFFERED, "Places offered, to confirm"),
    (SUBSTITUTION, "Substitutions requested"),
]


@dataclass(frozen=True)
class QueueFilter:
    intake_id: int | None = None
    #: Part of a council's name, any case.
    council: str = ""
    #: A NominationStatus value, OFFERED, SUBSTITUTION, or None for every nomination.
    status: str | None = None

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        """From a query string, ignoring anything that is not a valid choice."""
        statuses = {s.value for s in NominationStatus} | {OFFERED, SUBSTITUTION}
        status = args.get("status") or None
        return cls(
            intake_id=query_id(args.get("intake")),
            council=(args.get("council") or "").strip()[:200],
            status=status if status in statuses else None,
        )

    def parameters(self) -> dict:
        """The filters' values for the bind parameters of the queue's statements."""
        return {"intake_id": self.intake_id, "council": like_pattern(self.council.lower())}


def _where(statement: Select, by_intake: bool, by_council: bool, status: str | None = None) -> Select:
    """`statement` narrowed to the filters asked for, their values left to the bind parameters
    `intake_id` and `council` (QueueFilter.parameters)."""
    if by_intake:
        statement = statement.where(Nomination.intake_id == bindparam("intake_id"))
    if by_council:
        named = select(Council.id).where(func.lower(Council.name).contains(bindparam("council"), escape=LIKE_ESCAPE))
        statement = statement.where(Nomination.council_id.in_(named))
    if status == OFFERED:
        return statement.where(Nomination.is_offered)
    if status == SUBSTITUTION:
        return statement.where(Nomination.substitution_pending)
    if status is not None:
        return statement.where(Nomination.status == NominationStatus(status))
    return statement


# The queue's statements are made once for each set of filters asked for, on first use (when
# every model is mapped), and run with the filters' values: making them cost the page more
# than running them.

@cache
def _page_select(by_intake: bool, by_council: bool, status: str | None) -> Select:
    statement = (
        select(
            Nomination.id,
            Nomination.nominee_name,
            Nomination.job_title,
            Nomination.created_at,
            Nomination.status,
            Nomination.waitlist_position,
            Nomination.is_offered.label("is_offered"),
            Nomination.substitution_pending.label("substitution_pending"),
            Council.name.label("council_name"),
            Intake.name.label("intake_name"),
        )
        .join(Council, Council.id == Nomination.council_id)
        .join(Intake, Intake.id == Nomination.intake_id)
    )
    return (
        _where(statement, by_intake, by_council, status)
        .order_by(*QUEUE_ORDER)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


# The tally's counts and the intakes read the tables' columns rather than the mapped classes',
# so that the session runs them as Core statements, without the ORM's handling of results:
# about 0.03 ms a query.
_tally, _intakes = NominationTally.__table__, Intake.__table__


@cache
def _counts_select(by_intake: bool, by_council: bool) -> Select:
    if by_council:
        statement = select(Nomination.status, *tally.counted_columns()).group_by(Nomination.status)
        return _where(statement, by_intake, by_council)
    statement = select(
        _tally.c.status,
        func.sum(_tally.c.nominations),
        func.sum(_tally.c.offered),
        func.sum(_tally.c.substitutions),
    ).group_by(_tally.c.status)
    return statement.where(_tally.c.intake_id == bindparam("intake_id")) if by_intake else statement


@cache
def _intakes_select() -> Select:
    return select(_intakes.c.id, _intakes.c.name).order_by(_intakes.c.closes_at.desc())


def rows(filters: QueueFilter, page: int, per_page: int) -> list:
    """One page of the nominations matching the filters, in the queue's order (QUEUE_ORDER),
    as rows of what the queue shows of each: (id, nominee_name, job_title, created_at, status,
    waitlist_position, is_offered, substitution_pending, council_name, intake_name).

    Rows rather than nominations, since loading each nomination with its intake, the intake's
    course and its council cost the page more than drawing it."""
    statement = _page_select(bool(filters.intake_id), bool(filters.council), filters.status)
    parameters = filters.parameters() | {"limit": per_page, "offset": (page - 1) * per_page}
    return db.session.execute(statement, parameters).all()


def total(filters: QueueFilter, counts: dict[str, int]) -> int:
    """How many nominations match the filters, from their counts: no query of its own."""
    if filters.status is None:
        return sum(counts[status.value] for status in NominationStatus)
    return counts[filters.status]


def counts(filters: QueueFilter) -> dict[str, int]:
    """How many nominations have each status, and how many wait to be confirmed, under the
    intake and council filters (not the status one, so every count stays visible).

    Read from the tally, unless a council is asked for: then counted, among its few."""
    statement = _counts_select(bool(filters.intake_id), bool(filters.council))
    result = {status.value: 0 for status in NominationStatus} | {OFFERED: 0, SUBSTITUTION: 0}
    for status, total, offered, substitutions in db.session.execute(statement, filters.parameters()):
        result[NominationStatus(status).value] = int(total)
        result[OFFERED] += int(offered)
        result[SUBSTITUTION] += int(substitutions)
    return result


def intake_options() -> list[tuple[int, str]]:
    """(id, name) of every intake for the queue's filter, the latest to close first."""
    return db.session.execute(_intakes_select()).all()


def history(nomination: Nomination) -> list[AuditEvent]:
    """The audit events of a nomination, oldest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "Nomination", AuditEvent.object_id == nomination.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
