"""The audit log, for the programme team."""

from flask import render_template, request

from app import access
from app.audit import bp, services
from app.auth.models import Role
from app.exports import csv_response
from app.paging import paginate_read_uncounted, requested_page
from app.wording import plural

#: Events on a page of the log.
PER_PAGE = 50


@bp.get("/")
@access.roles(Role.ADMIN)
def index():
    """Every decision and change, filtered by person, action, object and date."""
    events, filters, errors = services.filtered_events(request.args)
    number = requested_page()
    page = paginate_read_uncounted(services.page_of_events(events, number, PER_PAGE), number, PER_PAGE)
    counted = services.count_up_to(events)
    caption = (f"More than {services.MOST_COUNTED:,} events" if counted > services.MOST_COUNTED
               else plural(counted, "event"))
    actions = services.actions_recorded()
    return render_template("audit/index.html", page=page, caption=caption, filters=filters, errors=errors,
                           actions=actions)


@bp.get("/audit.csv")
@access.roles(Role.ADMIN)
def export():
    """The filtered audit log as CSV."""
    events, _, _ = services.filtered_events(request.args)
    return csv_response("audit-log.csv", services.CSV_HEADER, services.csv_rows(events))
