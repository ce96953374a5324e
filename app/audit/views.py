"""The audit log, for the programme team."""

from flask import render_template, request

from app import access
from app.audit import bp, services
from app.auth.models import Role
from app.exports import csv_response
from app.paging import paginate_uncounted
from app.wording import plural


@bp.get("/")
@access.roles(Role.ADMIN)
def index():
    """Every decision and change, filtered by person, action, object and date."""
    statement, filters, errors = services.filtered_events(request.args)
    page = paginate_uncounted(statement, per_page=50)
    counted = services.count_up_to(statement)
    caption = (f"More than {services.MOST_COUNTED:,} events" if counted > services.MOST_COUNTED
               else plural(counted, "event"))
    actions = services.actions_recorded()
    return render_template("audit/index.html", page=page, caption=caption, filters=filters, errors=errors,
                           actions=actions)


@bp.get("/audit.csv")
@access.roles(Role.ADMIN)
def export():
    """The filtered audit log as CSV."""
    statement, _, _ = services.filtered_events(request.args)
    return csv_response("audit-log.csv", services.CSV_HEADER, services.csv_rows(statement))
