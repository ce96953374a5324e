"""One intake's report: nominations by status, its cohorts, and places by council."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Select, case, func, or_, select

from app.cohorts.models import Cohort
from app.councils.models import Council
from app.extensions import db
from app.intakes.models import HOLDS_A_PLACE, CouncilPlaces, Intake, Nomination, NominationStatus
from app.reports import charts
from app.reports.figures import Outcomes, Rate, by_cohort, outcomes
from app.reports.overview import NOMINATION_STATUSES, IntakeReport, outcome_cells, rates_chart
from app.timeutil import to_local


@dataclass(frozen=True)
class CohortFigures:
    """A cohort's row in its intake's report."""

    id: int
    name: str
    outcomes: Outcomes

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "outcomes": self.outcomes.as_json()}

    @classmethod
    def from_json(cls, figures: dict) -> "CohortFigures":
        return cls(figures["id"], figures["name"], Outcomes.from_json(figures["outcomes"]))


def cohort_figures(intake: Intake) -> list[CohortFigures]:
    """Every cohort of the intake with its outcomes, in the order they start: five queries."""
    cohorts = db.session.execute(
        select(Cohort.id, Cohort.name).where(Cohort.intake_id == intake.id)
        .order_by(Cohort.start_on, Cohort.name, Cohort.id)
    ).all()
    results = outcomes(by_cohort([cohort.id for cohort in cohorts]))
    return [CohortFigures(cohort.id, cohort.name, results[cohort.id]) for cohort in cohorts]


# Places by council ----------------------------------------------------------------------------


def council_places(intake: Intake) -> Select:
    """A select of one row per council that could nominate to the intake (signed by the day
    it closes) or did: id, name, GSS code, places allocated, used, accepted and nominated.
    Those using most places come first."""
    usage = (
        select(
            Nomination.council_id.label("council_id"),
            func.sum(case((Nomination.status.in_(HOLDS_A_PLACE), 1), else_=0)).label("used"),
            func.sum(case((Nomination.status == NominationStatus.ACCEPTED, 1), else_=0)).label("accepted"),
            func.count(Nomination.id).label("nominated"),
        )
        .where(Nomination.intake_id == intake.id)
        .group_by(Nomination.council_id)
        .subquery()
    )
    used = func.coalesce(usage.c.used, 0)
    return (
        select(
            Council.id,
            Council.name,
            Council.gss_code,
            func.coalesce(CouncilPlaces.places, intake.places_per_council).label("allocated"),
            used.label("used"),
            func.coalesce(usage.c.accepted, 0).label("accepted"),
            func.coalesce(usage.c.nominated, 0).label("nominated"),
        )
        .outerjoin(CouncilPlaces, (CouncilPlaces.council_id == Council.id) & (CouncilPlaces.intake_id == intake.id))
        .outerjoin(usage, usage.c.council_id == Council.id)
        .where(
            or_(
                Council.signed_on <= to_local(intake.closes_at).date(),
                usage.c.council_id.is_not(None),
                CouncilPlaces.council_id.is_not(None),
            )
        )
        .order_by(used.desc(), Council.name, Council.id)
    )


@dataclass(frozen=True)
class PlacesTotals:
    councils: int
    allocated: int
    used: int

    @property
    def share(self) -> Rate:
        return Rate(self.used, self.allocated)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, figures: dict) -> "PlacesTotals":
        return cls(**figures)


@dataclass(frozen=True)
class CouncilPlacesRow:
    """One council's row in the places by council table."""

    name: str
    gss_code: str
    allocated: int
    used: int
    accepted: int
    nominated: int

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, figures: dict) -> "CouncilPlacesRow":
        return cls(**figures)


def council_place_rows(intake: Intake) -> list[CouncilPlacesRow]:
    """Every council's places on the intake, in the order of `council_places`."""
    return [
        CouncilPlacesRow(r.name, r.gss_code, int(r.allocated), int(r.used), int(r.accepted), int(r.nominated))
        for r in db.session.execute(council_places(intake))
    ]


def places_totals(intake: Intake) -> PlacesTotals:
    """Councils listed, places allocated to them and used, summed in SQL: one query."""
    rows = council_places(intake).order_by(None).subquery()
    councils, allocated, used = db.session.execute(
        select(func.count(), func.sum(rows.c.allocated), func.sum(rows.c.used))
    ).one()
    return PlacesTotals(councils, int(allocated or 0), int(used or 0))


COUNCILS_HEADER = ["Council", "GSS code", "Places allocated", "Places used", "Accepted", "Nominations made"]


def council_rows(rows) -> list[list]:
    return [[r.name, r.gss_code, r.allocated, r.used, r.accepted, r.nominated] for r in rows]


def councils_chart(rows) -> charts.BarChart:
    return charts.bar_chart(
        "places-by-council",
        "Places allocated and used by each council",
        "For each council on this page, the places allocated to it on this intake and how many it has used. "
        "The table that follows gives the same figures.",
        (charts.ALLOCATED, charts.USED),
        [(r.name, [(r.allocated, f"{r.allocated} allocated"), (r.used, f"{r.used} used")]) for r in rows],
    )


# Nominations by status ------------------------------------------------------------------------

NOMINATIONS_HEADER = ["Status", "Nominations"]


def nomination_rows(report: IntakeReport) -> list[list]:
    return [[status.label, report.nominations.count(status)] for status in NOMINATION_STATUSES]


def nominations_chart(report: IntakeReport) -> charts.BarChart:
    return charts.bar_chart(
        "nominations-by-status",
        f"Nominations to {report.intake.name} by status",
        f"{report.nominations.total} nominations: "
        + ", ".join(f"{report.nominations.count(s)} {s.label.lower()}" for s in NOMINATION_STATUSES) + ".",
        (charts.BLUE,),
        [(label, [(count, str(count))]) for label, count in nomination_rows(report)],
    )


# Cohorts -----------------------------------------------------------------------------------------

COHORTS_HEADER = [
    "Cohort", "Places", "Participants", "Filled", "Completed", "Completion rate", "Attendance rate", "Certificates",
]


def cohort_rows(cohorts: list[CohortFigures]) -> list[list]:
    return [[cohort.name, *outcome_cells(cohort.outcomes)] for cohort in cohorts]


def fill_chart(cohorts: list[CohortFigures]) -> charts.BarChart:
    return charts.bar_chart(
        "cohort-fill",
        "How full each cohort is",
        "For each cohort on this page, its places and the participants in it. "
        "The table that follows gives the same figures.",
        (charts.CAPACITY, charts.PARTICIPANTS),
        [
            (c.name, [(c.outcomes.capacity, f"{c.outcomes.capacity} places"),
                      (c.outcomes.participants, f"{c.outcomes.participants} participants")])
            for c in cohorts
        ],
    )


def cohort_rates_chart(cohorts: list[CohortFigures]) -> charts.BarChart:
    return rates_chart(
        "rates-by-cohort",
        "Completion and attendance in each cohort",
        "For each cohort on this page, the share of participants who have completed and the attendance rate "
        "at live sessions. The table that follows gives the same figures.",
        [(cohort.name, cohort.outcomes) for cohort in cohorts],
    )
