"""Our people, for council leads: their own council's nominees only; any other is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from markupsafe import Markup

from app import access
from app.auth.models import Role
from app.councils.models import Council
from app.exports import csv_response
from app.intakes.models import Intake
from app.kept import FOREVER, kept
from app.paging import paginate_read, requested_page
from app.reports import bp, people
from app.reports.loading import lead_council, load_own_nomination
from app.timeutil import utcnow


#: Nominees on a page of our people.
PER_PAGE = 25


def _chosen(intakes: list[Intake]) -> Intake | None:
    """The intake picked in the filter, if it is one of the lead's; otherwise every intake."""
    wanted = request.args.get("intake", "")
    return next((intake for intake in intakes if str(intake.id) == wanted), None)


@dataclass(frozen=True)
class NomineesTable:
    """A page of our people's nominees as drawn, with how many there are in all."""

    html: Markup
    total: int
    #: Whether the page has any: a page past the last has none.
    shown: bool


def _nominees_table(council: Council, chosen: Intake | None, number: int) -> NomineesTable:
    nominations, total = people.nominations_page(council, chosen.id if chosen else None, number, PER_PAGE)
    page = paginate_read(nominations, number, PER_PAGE, total)
    rows = people.nominees(page.items)
    html = Markup(render_template("reports/_people_table.html", page=page, rows=rows, chosen=chosen))
    return NomineesTable(html, total, bool(rows))


@bp.get("/our-people/")
@access.roles(Role.COUNCIL_LEAD)
def our_people():
    """Every nominee of the lead's council across intakes, and the council's places."""
    council = lead_council()
    now = utcnow()
    places = people.intakes_of(council, now)
    intakes = [intake for intake, _ in places]
    chosen = _chosen(intakes)
    number = requested_page()
    # The intakes' names are in the table; the nominees' revision sees the rest.
    revision = (people.nominees_revision(council, now), tuple((intake.id, intake.name) for intake in intakes))
    nominees = kept(("our people", council.id, chosen.id if chosen else None, number), revision, now,
                    lambda: (_nominees_table(council, chosen, number), FOREVER))
    return render_template(
        "reports/people.html", council=council, intakes=intakes, chosen=chosen,
        places=places, nominees=nominees,
        page=paginate_read([], number, PER_PAGE, nominees.total),  # for its links: the rows are drawn
    )


@bp.get("/our-people/people.csv")
@access.roles(Role.COUNCIL_LEAD)
def our_people_csv():
    """The council's nominees as CSV, for the intake chosen or all."""
    council = lead_council()
    chosen = _chosen([intake for intake, _ in people.intakes_of(council, utcnow())])
    nominations = people.nominations_list(council, chosen.id if chosen else None)
    return csv_response("our-people.csv", people.PEOPLE_HEADER, people.people_rows(people.nominees(nominations)))


@bp.get("/our-people/<id:nomination_id>")
@access.roles(Role.COUNCIL_LEAD)
def person(nomination_id):
    """One nominee: their nomination, cohort, progress, attendance and certificate."""
    nomination = load_own_nomination(nomination_id)
    (row,) = people.nominees([nomination])
    return render_template("reports/person.html", row=row, nomination=nomination)
