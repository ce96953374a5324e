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

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.extensions import db
from app.intakes.models import Intake
from app.intakes.services import intakes_newest_first
from app.reports import intake as intake_report
from app.reports import overview
from app.reports.intake import CohortFigures, CouncilPlacesRow, PlacesTotals
from app.reports.models import ReportSnapshot
from app.reports.overview import IntakeReport, ProgrammeReport
from app.timeutil import utcnow

OVERVIEW = "overview"
#: The intake report's cohorts and the councils page's councils are stored a page of the table
#: at a time, so that showing a page reads only what it shows: at ten times the size, decoding
#: all of an intake's 4,180 councils grew the councils page's p95 1.7 times.
COHORTS_PER_PAGE = 20
COUNCILS_PER_PAGE = 25


def intake_page(intake_id: int) -> str:
    return f"intake:{intake_id}"


def councils_page(intake_id: int) -> str:
    return f"councils:{intake_id}"


def _part(page: str, number: int) -> str:
    """The snapshot of page `number` of a page's table."""
    return f"{page}:{number}"


# Counting: each page's figures as plain data ------------------------------------------------


def _count_overview(reports: list[IntakeReport]) -> dict:
    """The overview's figures from every intake's report, newest first."""
    programme = overview.programme_report({r.intake.id: r.outcomes for r in reports})
    return {"programme": programme.as_json(), "intakes": [r.as_json() for r in reports]}


def _paged(page: str, figures: dict, rows: list[dict], per_page: int) -> dict[str, dict]:
    """A page's snapshots: its figures with how many rows its table has, then the table a page
    of it to each snapshot."""
    snapshots = {page: {**figures, "rows": len(rows)}}
    for number, start in enumerate(range(0, len(rows), per_page), start=1):
        snapshots[_part(page, number)] = {"rows": rows[start : start + per_page]}
    return snapshots


def _count_intake(intake: Intake, report: IntakeReport, totals: PlacesTotals) -> dict[str, dict]:
    cohorts = [cohort.as_json() for cohort in intake_report.cohort_figures(intake)]
    figures = {"report": report.as_json(), "totals": totals.as_json()}
    return _paged(intake_page(intake.id), figures, cohorts, COHORTS_PER_PAGE)


def _count_councils(intake: Intake, totals: PlacesTotals) -> dict[str, dict]:
    councils = [row.as_json() for row in intake_report.council_place_rows(intake)]
    return _paged(councils_page(intake.id), {"totals": totals.as_json()}, councils, COUNCILS_PER_PAGE)


def count_all(now: datetime) -> dict[str, int]:
    """Recount every report page's figures as at `now`, in the caller's transaction: each
    intake's report and places counted once, for the overview and its own two pages."""
    intakes = list(db.session.scalars(intakes_newest_first()))
    reports = overview.intake_reports(intakes)
    snapshots = {OVERVIEW: _count_overview(reports)}
    for intake, report in zip(intakes, reports):
        totals = intake_report.places_totals(intake)
        snapshots.update(_count_intake(intake, report, totals))
        snapshots.update(_count_councils(intake, totals))
    stored = {snapshot.page: snapshot for snapshot in db.session.scalars(select(ReportSnapshot))}
    for page, figures in snapshots.items():
        snapshot = stored.pop(page, None) or ReportSnapshot(page=page)
        snapshot.figures, snapshot.counted_at = figures, now
        db.session.add(snapshot)
    for gone in stored.values():  # a page of a table no longer needed, or an intake deleted
        db.session.delete(gone)
    db.session.flush()
    return {"pages counted": 1 + 2 * len(intakes)}


def count_again(page: str, actor, now: datetime) -> dict[str, int]:
    """Recount every page at once because `actor` asked to on `page`, and audit it."""
    counts = count_all(now)
    record(actor, "report.counted_again", "reports", {"page": page})
    return counts


#: What a page reads of its snapshots: rows, not ORM objects, which cost more to load than the
#: page takes to draw its figures. The statements are made once, as every read is the same.
_COLUMNS = (ReportSnapshot.page, ReportSnapshot.figures, ReportSnapshot.counted_at)
_READ_OVERVIEW = select(*_COLUMNS).where(ReportSnapshot.page == OVERVIEW)
#: An intake beside each of its pages' snapshots that is stored, or beside none: an intake's
#: pages load the intake and its figures in one query, not one each.
_READ_WITH_INTAKE = (
    select(Intake, *_COLUMNS)
    .outerjoin(ReportSnapshot, ReportSnapshot.page.in_(bindparam("pages", expanding=True)))
    .where(Intake.id == bindparam("intake_id"))
)


def _counted_if_missing(pages: list[str], stored: dict, count: Callable[[], dict[str, dict]]) -> tuple[dict, bool]:
    """The snapshots of `pages` that are `stored` (each has a ReportSnapshot's page, figures and
    counted_at), or when the first is missing, those of them that `count` gives, counted now;
    and whether they were. `count` gives every snapshot of its page: the caller commits to keep them."""
    if pages[0] in stored:
        return stored, False
    now = utcnow()
    counted = [ReportSnapshot(page=page, figures=figures, counted_at=now) for page, figures in count().items()]
    try:
        with db.session.begin_nested():
            db.session.add_all(counted)
    except IntegrityError:  # another request counted this page first; these figures are as good
        pass
    return {snapshot.page: snapshot for snapshot in counted if snapshot.page in pages}, True


def _intake_snapshot(intake_id: int, page: str, number: int, count: Callable[[Intake], dict[str, dict]]):
    """An intake, its page's snapshot, the rows of page `number` of its table (none past the
    last) and whether they were counted just now, all in one query; None without the intake."""
    part = _part(page, number)
    rows = db.session.execute(_READ_WITH_INTAKE, {"pages": [page, part], "intake_id": intake_id}).all()
    if not rows:
        return None
    intake = rows[0][0]
    stored = {row.page: row for row in rows if row.page is not None}
    stored, counted_now = _counted_if_missing([page, part], stored, lambda: count(intake))
    return intake, stored[page], stored[part].figures["rows"] if part in stored else [], counted_now


# Reading: each page's figures as the objects its charts and tables are made from. The
# overview's few intakes stay as stored, and the view makes objects of only the ten it shows
# (paginate_list's `each`); the other pages read only the page of their table they show.


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
    intake: Intake
    report: IntakeReport
    totals: PlacesTotals
    #: One page of the intake's cohorts, in the order they start: none for a page past the last.
    cohorts: list[CohortFigures]
    #: How many cohorts the intake has.
    cohort_count: int


@dataclass(frozen=True)
class CouncilsFigures(Counted):
    intake: Intake
    totals: PlacesTotals
    #: One page of the councils that could nominate to the intake or did, those using most
    #: places first: none for a page past the last.
    councils: list[CouncilPlacesRow]


def overview_figures() -> OverviewFigures:
    """The programme overview's figures as last counted."""
    stored, counted_now = _counted_if_missing(
        [OVERVIEW], {row.page: row for row in db.session.execute(_READ_OVERVIEW)},
        lambda: {OVERVIEW: _count_overview(overview.every_intake_report())})
    snapshot = stored[OVERVIEW]
    figures = snapshot.figures
    return OverviewFigures(
        snapshot.counted_at, counted_now,
        programme=ProgrammeReport.from_json(figures["programme"]), intakes=figures["intakes"],
    )


def intake_figures(intake_id: int, number: int) -> IntakeFigures | None:
    """An intake report's figures, with page `number` of its cohorts, as last counted; None if
    there is no such intake."""
    found = _intake_snapshot(intake_id, intake_page(intake_id), number, lambda intake: _count_intake(
        intake, *overview.intake_reports([intake]), intake_report.places_totals(intake)))
    if found is None:
        return None
    intake, snapshot, rows, counted_now = found
    figures = snapshot.figures
    return IntakeFigures(
        snapshot.counted_at, counted_now, intake=intake,
        report=IntakeReport.from_json(figures["report"]), totals=PlacesTotals.from_json(figures["totals"]),
        cohorts=[CohortFigures.from_json(row) for row in rows], cohort_count=figures["rows"],
    )


def councils_figures(intake_id: int, number: int) -> CouncilsFigures | None:
    """Page `number` of an intake's places by council, as last counted; None if there is no
    such intake."""
    found = _intake_snapshot(intake_id, councils_page(intake_id), number,
                             lambda intake: _count_councils(intake, intake_report.places_totals(intake)))
    if found is None:
        return None
    intake, snapshot, rows, counted_now = found
    return CouncilsFigures(
        snapshot.counted_at, counted_now, intake=intake, totals=PlacesTotals.from_json(snapshot.figures["totals"]),
        councils=[CouncilPlacesRow.from_json(row) for row in rows],
    )
