"""Snapshots of the programme team's report pages: their figures, counted ahead.

Counting a page's figures costs more the bigger the programme; reading its snapshot does
not. The scheduler recounts every page (`count_all`) every few minutes and anyone on a page
may ask for a recount; a page that was never counted is counted the first time it is read.
CSV exports do not come from here: a download is counted at the moment it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.extensions import db
from app.intakes.models import Intake
from app.intakes.services import intakes_newest_first
from app.reports import intake as intake_report
from app.reports import overview
from app.reports.intake import PlacesTotals
from app.reports.models import ReportSnapshot
from app.reports.overview import IntakeReport, ProgrammeReport
from app.timeutil import utcnow

OVERVIEW = "overview"


def intake_page(intake: Intake) -> str:
    return f"intake:{intake.id}"


def councils_page(intake: Intake) -> str:
    return f"councils:{intake.id}"


# Counting: each page's figures as plain data ------------------------------------------------


def _count_overview(reports: list[IntakeReport]) -> dict:
    """The overview's figures from every intake's report, newest first."""
    programme = overview.programme_report({r.intake.id: r.outcomes for r in reports})
    return {"programme": programme.as_json(), "intakes": [r.as_json() for r in reports]}


def _count_intake(intake: Intake, report: IntakeReport, totals: PlacesTotals) -> dict:
    return {
        "report": report.as_json(),
        "totals": totals.as_json(),
        "cohorts": [cohort.as_json() for cohort in intake_report.cohort_figures(intake)],
    }


def _count_councils(intake: Intake, totals: PlacesTotals) -> dict:
    return {
        "totals": totals.as_json(),
        "councils": [row.as_json() for row in intake_report.council_place_rows(intake)],
    }


def count_all(now: datetime) -> dict[str, int]:
    """Recount every report page's figures as at `now`, in the caller's transaction: each
    intake's report and places counted once, for the overview and its own two pages."""
    intakes = list(db.session.scalars(intakes_newest_first()))
    reports = overview.intake_reports(intakes)
    pages = {OVERVIEW: _count_overview(reports)}
    for intake, report in zip(intakes, reports):
        totals = intake_report.places_totals(intake)
        pages[intake_page(intake)] = _count_intake(intake, report, totals)
        pages[councils_page(intake)] = _count_councils(intake, totals)
    stored = {snapshot.page: snapshot for snapshot in db.session.scalars(select(ReportSnapshot))}
    for page, figures in pages.items():
        snapshot = stored.get(page) or ReportSnapshot(page=page)
        snapshot.figures, snapshot.counted_at = figures, now
        db.session.add(snapshot)
    db.session.flush()
    return {"pages counted": len(pages)}


def count_again(page: str, actor, now: datetime) -> dict[str, int]:
    """Recount every page at once because `actor` asked to on `page`, and audit it."""
    counts = count_all(now)
    record(actor, "report.counted_again", "reports", {"page": page})
    return counts


def _snapshot(page: str, count: Callable[[], dict]) -> tuple[ReportSnapshot, bool]:
    """The page's snapshot, and whether it was counted just now, having been missing (then the
    caller commits to keep it)."""
    snapshot = db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.page == page))
    if snapshot is not None:
        return snapshot, False
    snapshot = ReportSnapshot(page=page, figures=count(), counted_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(snapshot)
    except IntegrityError:  # another request counted this page first; these figures are as good
        pass
    return snapshot, True


# Reading: each page's figures as the objects its charts and tables are made from. A page's
# long list stays as stored, and the view makes objects of only the rows it shows
# (paginate_list's `each`): at ten times the size, making all of a list of councils took
# longer than rendering the page.


@dataclass(frozen=True)
class Counted:
    counted_at: datetime
    #: Counted by this read, the page having had no snapshot: the caller commits to keep it.
    counted_now: bool


@dataclass(frozen=True)
class OverviewFigures(Counted):
    programme: ProgrammeReport
    #: Every intake, newest first, as stored: IntakeReport.from_json makes one of each.
    intakes: list[dict]


@dataclass(frozen=True)
class IntakeFigures(Counted):
    report: IntakeReport
    totals: PlacesTotals
    #: Every cohort of the intake, in the order they start, as stored: see CohortFigures.from_json.
    cohorts: list[dict]


@dataclass(frozen=True)
class CouncilsFigures(Counted):
    totals: PlacesTotals
    #: Every council that could nominate to the intake or did, those using most places first,
    #: as stored: see CouncilPlacesRow.from_json.
    councils: list[dict]


def overview_figures() -> OverviewFigures:
    """The programme overview's figures as last counted."""
    snapshot, counted_now = _snapshot(OVERVIEW, lambda: _count_overview(overview.every_intake_report()))
    figures = snapshot.figures
    return OverviewFigures(
        snapshot.counted_at, counted_now,
        programme=ProgrammeReport.from_json(figures["programme"]), intakes=figures["intakes"],
    )


def intake_figures(intake: Intake) -> IntakeFigures:
    """An intake report's figures as last counted."""
    snapshot, counted_now = _snapshot(intake_page(intake), lambda: _count_intake(
        intake, *overview.intake_reports([intake]), intake_report.places_totals(intake)))
    figures = snapshot.figures
    return IntakeFigures(
        snapshot.counted_at, counted_now,
        report=IntakeReport.from_json(figures["report"]), totals=PlacesTotals.from_json(figures["totals"]),
        cohorts=figures["cohorts"],
    )


def councils_figures(intake: Intake) -> CouncilsFigures:
    """An intake's places by council as last counted."""
    snapshot, counted_now = _snapshot(councils_page(intake),
                                      lambda: _count_councils(intake, intake_report.places_totals(intake)))
    figures = snapshot.figures
    return CouncilsFigures(
        snapshot.counted_at, counted_now,
        totals=PlacesTotals.from_json(figures["totals"]), councils=figures["councils"],
    )
