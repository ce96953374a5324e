"""The programme team's overview: take-up by signatory councils, and each intake's figures.

Every table here has a chart beside it and a CSV export; the three are made from the same
rows, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.intakes.models import Intake, NominationStatus
from app.intakes.services import intakes_newest_first
from app.reports import charts
from app.reports.figures import (
    PROGRAMME, Nominations, Outcomes, Rate, by_intake, nominations, outcomes, programme, signatory_councils,
)

NOMINATION_STATUSES = list(NominationStatus)


@dataclass(frozen=True)
class ProgrammeReport:
    signatories: int
    nominations: Nominations
    outcomes: Outcomes

    @property
    def take_up(self) -> Rate:
        return Rate(self.nominations.councils_using_places, self.signatories)

    def as_json(self) -> dict:
        return {"signatories": self.signatories, "nominations": self.nominations.as_json(),
                "outcomes": self.outcomes.as_json()}

    @classmethod
    def from_json(cls, figures: dict) -> "ProgrammeReport":
        return cls(figures["signatories"], Nominations.from_json(figures["nominations"]),
                   Outcomes.from_json(figures["outcomes"]))


def programme_report(every_intake: dict[int, Outcomes] | None = None) -> ProgrammeReport:
    """Headline figures for the whole programme. Outcomes add up across intakes (each cohort
    is in one), so a caller that has every intake's (every_intake_report) passes them in
    rather than have the same rows counted twice."""
    total = Outcomes.total(every_intake.values()) if every_intake is not None else outcomes(programme())[PROGRAMME]
    return ProgrammeReport(signatory_councils(), nominations(programme())[PROGRAMME], total)


@dataclass(frozen=True)
class IntakeName:
    """What a report shows of an intake beside its figures."""

    id: int
    name: str
    total_places: int


@dataclass(frozen=True)
class IntakeReport:
    intake: IntakeName
    nominations: Nominations
    outcomes: Outcomes

    @property
    def places(self) -> Rate:
        return Rate(self.nominations.places_used, self.intake.total_places)

    def as_json(self) -> dict:
        return {"intake": {"id": self.intake.id, "name": self.intake.name, "total_places": self.intake.total_places},
                "nominations": self.nominations.as_json(), "outcomes": self.outcomes.as_json()}

    @classmethod
    def from_json(cls, figures: dict) -> "IntakeReport":
        return cls(IntakeName(**figures["intake"]), Nominations.from_json(figures["nominations"]),
                   Outcomes.from_json(figures["outcomes"]))


def intake_reports(intakes: list[Intake]) -> list[IntakeReport]:
    """Each intake's nominations and outcomes, in five queries however many intakes."""
    ids = [intake.id for intake in intakes]
    counted, results = nominations(by_intake(ids)), outcomes(by_intake(ids))
    return [
        IntakeReport(IntakeName(intake.id, intake.name, intake.total_places), counted[intake.id], results[intake.id])
        for intake in intakes
    ]


# Tables: the same rows for the page and the CSV ----------------------------------------------

TAKE_UP_HEADER = ["Signatory councils", "Councils that took up places", "Councils with staff accepted"]


def every_intake_report() -> list[IntakeReport]:
    """The figures of every intake, newest first."""
    return intake_reports(list(db.session.scalars(intakes_newest_first())))


def take_up_rows(report: ProgrammeReport) -> list[list]:
    n = report.nominations
    return [[report.signatories, n.councils_using_places, n.councils_accepted]]


PLACES_HEADER = ["Intake", "Places on offer", "Places used", *(s.label for s in NOMINATION_STATUSES), "Councils that took up places"]


def places_rows(reports: list[IntakeReport]) -> list[list]:
    return [
        [r.intake.name, r.intake.total_places, r.nominations.places_used,
         *(r.nominations.count(status) for status in NOMINATION_STATUSES), r.nominations.councils_using_places]
        for r in reports
    ]


OUTCOMES_HEADER = [
    "Intake", "Cohorts", "Places", "Participants", "Filled", "Completed", "Completion rate", "Attendance rate",
    "Certificates",
]


def outcomes_rows(reports: list[IntakeReport]) -> list[list]:
    return [[r.intake.name, r.outcomes.cohorts, *outcome_cells(r.outcomes)] for r in reports]


def outcome_cells(o: Outcomes) -> list:
    """The columns shared by the intakes table and an intake's cohorts table."""
    return [o.capacity, o.participants, o.fill.cell, o.completed, o.completion.cell, o.attendance.cell,
            o.certificates]


# Charts ---------------------------------------------------------------------------------------


def take_up_chart(report: ProgrammeReport) -> charts.BarChart:
    n = report.nominations
    return charts.bar_chart(
        "take-up",
        "Take-up by signatory councils",
        f"Of {report.signatories} councils that have signed the Local Digital Declaration, "
        f"{n.councils_using_places} have taken up places and {n.councils_accepted} have staff accepted.",
        (charts.BLUE,),
        [
            ("Signatory councils", [(report.signatories, str(report.signatories))]),
            ("Took up places", [(n.councils_using_places, str(n.councils_using_places))]),
            ("Have staff accepted", [(n.councils_accepted, str(n.councils_accepted))]),
        ],
    )


def places_chart(reports: list[IntakeReport]) -> charts.BarChart:
    return charts.bar_chart(
        "places-by-intake",
        "Places used on each intake",
        "For each intake on this page, the places on offer and how many are used. "
        "The table that follows gives the same figures.",
        (charts.OFFERED, charts.USED),
        [
            (r.intake.name, [(r.intake.total_places, f"{r.intake.total_places} on offer"),
                             (r.nominations.places_used, f"{r.nominations.places_used} used")])
            for r in reports
        ],
    )


def rates_chart(id: str, title: str, description: str, rows: list[tuple[str, Outcomes]]) -> charts.BarChart:
    """Completion and attendance rates, as percentages, for intakes or cohorts."""
    return charts.bar_chart(
        id, title, description, (charts.COMPLETION, charts.ATTENDANCE),
        [
            (label, [_rate_bar(o.completion, "completed", "Nobody has started"),
                     _rate_bar(o.attendance, "attendance", "No registers yet")])
            for label, o in rows
        ],
        maximum=100,
    )


def _rate_bar(rate: Rate, what: str, none_yet: str) -> tuple[int, str]:
    """A rate's bar and its figure: "75% completed", or what there is instead of a figure."""
    percent = rate.percent
    return (0, none_yet) if percent is None else (percent, f"{percent}% {what}")


def intake_rates_chart(reports: list[IntakeReport]) -> charts.BarChart:
    return rates_chart(
        "rates-by-intake",
        "Completion and attendance on each intake",
        "For each intake on this page, the share of participants who have completed and the attendance rate "
        "at live sessions. The table that follows gives the same figures.",
        [(r.intake.name, r.outcomes) for r in reports],
    )
