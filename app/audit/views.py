"""The audit log, for the programme team."""

from dataclasses import dataclass
from datetime import timedelta

from flask import render_template, request
from markupsafe import Markup

from app import access
from app.audit import bp, markup, services
from app.auth.models import Role
from app.exports import csv_response
from app.kept import kept
from app.paging import ReadUncountedPage, paginate_read_uncounted, requested_page
from app.timeutil import utcnow
from app.wording import plural

#: Events on a page of the log.
PER_PAGE = 50
#: The longest a page of the log is kept. It is kept while no event is added (its revision is
#: the newest event's id), but ids are taken as events are written, not as they are committed:
#: an event whose transaction commits after a later one's could otherwise be missed for good.
KEPT_FOR = timedelta(seconds=10)


@dataclass(frozen=True)
class LogPage:
    """A page of the log as drawn: its events' rows, how many events match, and every action
    the log holds (for the filter)."""

    page: ReadUncountedPage
    rows: Markup
    caption: str
    actions: list[str]


def _log_page(events: services.EventFilter, number: int) -> LogPage:
    page = paginate_read_uncounted(services.page_of_events(events, number, PER_PAGE), number, PER_PAGE)
    counted = services.count_up_to(events)
    caption = (f"More than {services.MOST_COUNTED:,} events" if counted > services.MOST_COUNTED
               else plural(counted, "event"))
    return LogPage(page, markup.event_rows(page.items), caption, services.actions_recorded())


@bp.get("/")
@access.roles(Role.ADMIN)
def index():
    """Every decision and change, filtered by person, action, object and date."""
    events, filters, errors = services.filtered_events(request.args)
    number = requested_page()
    now = utcnow()
    log = kept(("audit log", events, number), services.newest_event_id(), now,
               lambda: (_log_page(events, number), now + KEPT_FOR))
    return render_template("audit/index.html", log=log, filters=filters, errors=errors)


@bp.get("/audit.csv")
@access.roles(Role.ADMIN)
def export():
    """The filtered audit log as CSV."""
    events, _, _ = services.filtered_events(request.args)
    return csv_response("audit-log.csv", services.CSV_HEADER, services.csv_rows(events))
