"""The cohort dashboard, for the cohort's facilitators and the programme team."""

from __future__ import annotations

from flask import render_template, request

from app import access
from app.auth.models import Role
from app.cohorts.loading import load_cohort
from app.exports import csv_response, file_name
from app.paging import paginate_list
from app.reports import bp
from app.reports import cohort as service
from app.timeutil import utcnow


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
    board = service.dashboard(cohort, utcnow())
    show, sort, order = _choices()
    page = paginate_list(service.chosen_rows(board, show, sort, order), per_page=50)
    return render_template(
        "reports/cohort.html", cohort=cohort, board=board, page=page, show=show, sort=sort, order=order,
        flag_counts=[(flag.label, board.count(flag)) for flag in service.Flag], show_options=service.SHOW,
        first_order=service.FIRST_ORDER, order_words=service.ORDER_WORDS, inactive_days=service.INACTIVE_DAYS,
    )


@bp.get("/cohorts/<id:cohort_id>/dashboard.csv")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def cohort_dashboard_csv(cohort_id):
    """The cohort dashboard as CSV, filtered and sorted as on the page."""
    cohort = load_cohort(cohort_id)
    board = service.dashboard(cohort, utcnow())
    rows = service.chosen_rows(board, *_choices())
    return csv_response(file_name(cohort.name, "dashboard"), service.csv_header(board), service.csv_rows(rows))
