"""Counts for the programme team, each from one grouped SQL query.

A `Scope` says what the counts are grouped by: intakes, cohorts, or nothing (the whole
programme, as one row keyed `PROGRAMME`). The same query then serves the overview's
table of intakes, an intake's table of cohorts and the programme's headline figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, literal_column, select

from app.certificates.models import Certificate
from app.cohorts.attendance import ATTENDANCE_SUMS
from app.cohorts.models import PLACED, Attendance, Cohort, Enrolment, EnrolmentStatus, LiveSession
from app.councils.models import Council
from app.extensions import db
from app.intakes.models import HOLDS_A_PLACE, Nomination, NominationStatus

PROGRAMME = 0

#: People in a cohort now: their place counts towards its fill.
#: Everyone who started in a cohort, for the completion rate. A transferred enrolment is
#: left out: the person is counted once, in the cohort they moved to.
STARTED = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN)


@dataclass(frozen=True)
class Rate:
    """A share: `part` of `whole`, as a percentage; none when there is nothing to share."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        return None if self.whole == 0 else round(100 * self.part / self.whole)

    @property
    def text(self) -> str:
        return "No figures yet" if self.percent is None else f"{self.percent}%"

    @property
    def cell(self) -> str:
        """For a table or spreadsheet cell: "75%", or empty."""
        return "" if self.percent is None else f"{self.percent}%"


@dataclass(frozen=True)
class Scope:
    """What to group by: a column (Cohort.intake_id, Cohort.id) and its values, or the
    whole programme when `column` is None."""

    column: object = None
    ids: tuple[int, ...] = ()

    def key(self, column=None):
        if self.column is None:
            return literal_column(str(PROGRAMME)).label("key")
        return (column if column is not None else self.column).label("key")

    def narrow(self, statement, column=None):
        """Filter to the scope's ids and group by its column (nothing, for the programme)."""
        if self.column is None:
            return statement
        column = column if column is not None else self.column
        return statement.where(column.in_(self.ids)).group_by(column)


def programme() -> Scope:
    return Scope()


def by_intake(intake_ids) -> Scope:
    return Scope(Cohort.intake_id, tuple(intake_ids))


def by_cohort(cohort_ids) -> Scope:
    return Scope(Cohort.id, tuple(cohort_ids))


# Nominations and councils (intakes or the programme; never cohorts) ----------------------------


@dataclass(frozen=True)
class Nominations:
    by_status: dict[NominationStatus, int] = field(default_factory=dict)
    #: Councils with at least one nomination holding a place; and with someone accepted.
    councils_using_places: int = 0
    councils_accepted: int = 0

    def count(self, status: NominationStatus) -> int:
        return self.by_status.get(status, 0)

    @property
    def places_used(self) -> int:
        return sum(self.count(status) for status in HOLDS_A_PLACE)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def as_json(self) -> dict:
        return {"by_status": {status.value: n for status, n in self.by_status.items()},
                "councils_using_places": self.councils_using_places, "councils_accepted": self.councils_accepted}

    @classmethod
    def from_json(cls, figures: dict) -> "Nominations":
        by_status = {NominationStatus(status): n for status, n in figures["by_status"].items()}
        return cls(by_status, figures["councils_using_places"], figures["councils_accepted"])


def nominations(scope: Scope) -> dict[int, Nominations]:
    """Nominations by status and councils taking up places, for each intake in scope. One
    query: each status is counted in a column of its own, beside the councils."""
    column = Nomination.intake_id if scope.column is not None else None
    statuses = list(NominationStatus)
    holding = case((Nomination.status.in_(HOLDS_A_PLACE), Nomination.council_id))
    accepted = case((Nomination.status == NominationStatus.ACCEPTED, Nomination.council_id))
    rows = db.session.execute(
        scope.narrow(
            select(scope.key(column), *(func.count(case((Nomination.status == status, Nomination.id)))
                                        for status in statuses),
                   func.count(holding.distinct()), func.count(accepted.distinct())),
            column,
        )
    )
    found = {}
    for key, *counts, using, took in rows:
        by_status = {status: count for status, count in zip(statuses, counts) if count}
        found[key] = Nominations(by_status, using, took)
    keys = scope.ids if scope.column is not None else (PROGRAMME,)
    return {key: found.get(key, Nominations()) for key in keys}


def signatory_councils() -> int:
    return db.session.scalar(select(func.count(Council.id)).where(Council.signed_on.is_not(None)))


# Cohorts: places, participants, completion, attendance, certificates -------------------------


@dataclass(frozen=True)
class Outcomes:
    cohorts: int = 0
    capacity: int = 0
    by_status: dict[EnrolmentStatus, int] = field(default_factory=dict)
    attended: int = 0
    counted: int = 0
    certificates: int = 0

    def count(self, *statuses: EnrolmentStatus) -> int:
        return sum(self.by_status.get(status, 0) for status in statuses)

    @classmethod
    def total(cls, parts) -> "Outcomes":
        """The outcomes of several intakes or cohorts added together."""
        parts = list(parts)
        by_status: Counter = Counter()
        for part in parts:
            by_status.update(part.by_status)
        return cls(sum(p.cohorts for p in parts), sum(p.capacity for p in parts), dict(by_status),
                   sum(p.attended for p in parts), sum(p.counted for p in parts), sum(p.certificates for p in parts))

    def as_json(self) -> dict:
        return {"cohorts": self.cohorts, "capacity": self.capacity,
                "by_status": {status.value: n for status, n in self.by_status.items()},
                "attended": self.attended, "counted": self.counted, "certificates": self.certificates}

    @classmethod
    def from_json(cls, figures: dict) -> "Outcomes":
        by_status = {EnrolmentStatus(status): n for status, n in figures["by_status"].items()}
        return cls(figures["cohorts"], figures["capacity"], by_status, figures["attended"], figures["counted"],
                   figures["certificates"])

    @property
    def participants(self) -> int:
        return self.count(*PLACED)

    @property
    def completed(self) -> int:
        return self.count(EnrolmentStatus.COMPLETED)

    @property
    def fill(self) -> Rate:
        return Rate(self.participants, self.capacity)

    @property
    def completion(self) -> Rate:
        return Rate(self.completed, self.count(*STARTED))

    @property
    def attendance(self) -> Rate:
        return Rate(self.attended, self.counted)


def outcomes(scope: Scope) -> dict[int, Outcomes]:
    """Cohorts, places, enrolments, attendance and certificates for each key in scope: four queries."""
    places = {
        key: (cohorts, int(capacity or 0))
        for key, cohorts, capacity in db.session.execute(
            scope.narrow(select(scope.key(), func.count(Cohort.id), func.sum(Cohort.capacity)))
        )
    }
    enrolments: dict[int, Counter] = defaultdict(Counter)
    for key, status, count in db.session.execute(
        scope.narrow(
            select(scope.key(), Enrolment.status, func.count(Enrolment.id))
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .group_by(Enrolment.status)
        )
    ):
        enrolments[key][EnrolmentStatus(status)] = count
    # The rule of app.cohorts.attendance: present and late attended, out of present, late
    # and absent; cancelled sessions and those before someone joined do not count.
    attendance = {
        key: (int(attended or 0), int(counted or 0))
        for key, attended, counted in db.session.execute(
            scope.narrow(
                select(
                    scope.key(),
                    *ATTENDANCE_SUMS,
                )
                .join(LiveSession, LiveSession.id == Attendance.session_id)
                .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
                .join(Cohort, Cohort.id == LiveSession.cohort_id)
                .where(LiveSession.cancelled_at.is_(None), LiveSession.starts_at >= Enrolment.joined_at)
            )
        )
    }
    certificates = dict(
        db.session.execute(
            scope.narrow(
                select(scope.key(), func.count(Certificate.id))
                .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
                .join(Cohort, Cohort.id == Enrolment.cohort_id)
                .where(Certificate.is_valid)
            )
        ).all()
    )
    keys = scope.ids if scope.column is not None else (PROGRAMME,)
    return {
        key: Outcomes(
            *places.get(key, (0, 0)),
            by_status=dict(enrolments[key]),
            attended=attendance.get(key, (0, 0))[0],
            counted=attendance.get(key, (0, 0))[1],
            certificates=certificates.get(key, 0),
        )
        for key in keys
    }
