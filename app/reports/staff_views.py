"""The cohort dashboard, for the cohort's facilitators and the programme team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import get_template_attribute, render_template, request
from markupsafe import Markup

from app import access
from app.auth.models import Role
from app.cohorts.changes import revision
from app.cohorts.loading import load_cohort
from app.cohorts.models import Cohort
from app.exports import csv_response, file_name
from app.kept import kept
from app.paging import paginate_list
from app.reports import bp
from app.reports import cohort as service
from app.timeutil import utcnow


@dataclass(frozen=True)
class ShownRow:
    """A dashboard row as drawn, with what it is filtered and sorted by (see chosen_rows)."""

    html: Markup
    flags: frozenset[service.Flag]
    keys: dict

    def sort_key(self, sort: str):
        return self.keys[sort]


@dataclass(frozen=True)
class ShownDashboard:
    """What a cohort's dashboard page shows of it, whoever looks and however it is filtered."""

    rows: list[ShownRow]
    threshold: int
    at_risk: int
    flag_counts: list[tuple[str, int]]


def _shown(cohort: Cohort, now: datetime) -> tuple[ShownDashboard, datetime]:
    """The cohort's dashboard worked out and drawn, and until when it stays true (for kept)."""
    board = service.dashboard(cohort, now)
    draw = get_template_attribute("reports/_dashboard_row.html", "dashboard_row")
    rows = [ShownRow(draw(row), frozenset(row.flags), {key: row.sort_key(key) for key in service.SORTS})
            for row in board.rows]
    flag_counts = [(flag.label, board.count(flag)) for flag in service.Flag]
    return ShownDashboard(rows, board.threshold, board.count(), flag_counts), board.good_until(now)


def _choices() -> tuple[str, str, str]:
    """The filter and sort asked for; anything unknown falls back to the default."""
    show = request.args.get("show", "")
    sort = request.args.get("sort", "risk")
    if show not in service.SHOW:
        show = ""
    if sort not in service.SORTS:
        sort = "risk"
    order = request.args.get("order", service.FIRST_ORDER.get(sort, "asc"))
    return show, sort, order if order in ("asc", "desc") else "asc"


@bp.get("/cohorts/<id:cohort_id>/dashboard")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def cohort_dashboard(cohort_id):
    """Each participant's progress, attendance, assessments and completion, and who is at risk."""
    cohort = load_cohort(cohort_id)
    now = utcnow()
    shown = kept(("cohort dashboard", cohort.id), revision(cohort.id, now), now, lambda: _shown(cohort, now))
    show, sort, order = _choices()
    page = paginate_list(service.chosen_rows(shown.rows, show, sort, order), per_page=50)
    return render_template(
        "reports/cohort.html", cohort=cohort, shown=shown, page=page, show=show, sort=sort, order=order,
        show_options=service.SHOW, first_order=service.FIRST_ORDER, order_words=service.ORDER_WORDS,
        inactive_days=service.INACTIVE_DAYS,
    )


@bp.get("/cohorts/<id:cohort_id>/dashboard.csv")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def cohort_dashboard_csv(cohort_id):
    """The cohort dashboard as CSV, filtered and sorted as on the page."""
    cohort = load_cohort(cohort_id)
    board = service.dashboard(cohort, utcnow())
    rows = service.chosen_rows(board.rows, *_choices())
    return csv_response(file_name(cohort.name, "dashboard"), service.csv_header(board), service.csv_rows(rows))
