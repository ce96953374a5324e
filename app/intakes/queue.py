"""The programme team's queue of nominations: filters, counts and a nomination's history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.councils.models import Council
from app.extensions import db
from app.intakes import tally
from app.intakes.models import QUEUE_ORDER, Intake, Nomination, NominationStatus, NominationTally
from app.params import query_id

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

    def where(self, statement, *, with_status: bool = True):
        if self.intake_id:
            statement = statement.where(Nomination.intake_id == self.intake_id)
        if self.council:
            named = select(Council.id).where(func.lower(Council.name).contains(self.council.lower(), autoescape=True))
            statement = statement.where(Nomination.council_id.in_(named))
        if not with_status or self.status is None:
            return statement
        if self.status == OFFERED:
            return statement.where(Nomination.is_offered)
        if self.status == SUBSTITUTION:
            return statement.where(Nomination.substitution_pending)
        return statement.where(Nomination.status == NominationStatus(self.status))


def rows(filters: QueueFilter, page: int, per_page: int) -> list:
    """One page of the nominations matching the filters, in the queue's order (QUEUE_ORDER),
    as rows of what the queue shows of each: the queue's status tags read `status`,
    `is_offered` and `substitution_pending` from a row as from a nomination.

    Rows rather than nominations, since loading each nomination with its intake, the intake's
    course and its council cost the page more than drawing it."""
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
    statement = filters.where(statement).order_by(*QUEUE_ORDER).limit(per_page).offset((page - 1) * per_page)
    return db.session.execute(statement).all()


def total(filters: QueueFilter, counts: dict[str, int]) -> int:
    """How many nominations match the filters, from their counts: no query of its own."""
    if filters.status is None:
        return sum(counts[status.value] for status in NominationStatus)
    return counts[filters.status]


def counts(filters: QueueFilter) -> dict[str, int]:
    """How many nominations have each status, and how many wait to be confirmed, under the
    intake and council filters (not the status one, so every count stays visible).

    Read from the tally, unless a council is asked for: then counted, among its few."""
    if filters.council:
        statement = select(Nomination.status, *tally.counted_columns()).group_by(Nomination.status)
        rows = db.session.execute(filters.where(statement, with_status=False)).all()
    else:
        statement = select(
            NominationTally.status,
            func.sum(NominationTally.nominations),
            func.sum(NominationTally.offered),
            func.sum(NominationTally.substitutions),
        ).group_by(NominationTally.status)
        if filters.intake_id:
            statement = statement.where(NominationTally.intake_id == filters.intake_id)
        rows = db.session.execute(statement).all()
    result = {status.value: 0 for status in NominationStatus} | {OFFERED: 0, SUBSTITUTION: 0}
    for status, total, offered, substitutions in rows:
        result[NominationStatus(status).value] = int(total)
        result[OFFERED] += int(offered)
        result[SUBSTITUTION] += int(substitutions)
    return result


def intake_options() -> list[tuple[int, str]]:
    """(id, name) of every intake for the queue's filter, the latest to close first."""
    return db.session.execute(select(Intake.id, Intake.name).order_by(Intake.closes_at.desc())).all()


def history(nomination: Nomination) -> list[AuditEvent]:
    """The audit events of a nomination, oldest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "Nomination", AuditEvent.object_id == nomination.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
