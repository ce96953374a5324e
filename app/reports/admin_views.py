"""Reports for the programme team: the programme overview and each intake's report."""

from __future__ import annotations

from flask import render_template

from app import access
from app.auth.models import Role
from app.exports import csv_response, file_name
from app.extensions import db
from app.intakes.models import Intake
from app.intakes.services import intakes_newest_first
from app.paging import paginate_rows
from app.reports import bp, overview
from app.reports import intake as intake_report
from app.reports.figures import by_cohort, outcomes


@bp.get("/admin/reports/")
@access.roles(Role.ADMIN)
def overview_page():
    """The whole programme at a glance: take-up by councils, and every intake's figures."""
    page = db.paginate(intakes_newest_first(), per_page=10, error_out=False)
    every_intake = overview.every_intake_outcomes()
    reports = overview.intake_reports(page.items, every_intake)
    programme = overview.programme_report(every_intake)
    return render_template(
        "reports/overview.html", page=page, reports=reports, programme=programme,
        take_up_chart=overview.take_up_chart(programme), places_chart=overview.places_chart(reports),
        places_header=overview.PLACES_HEADER, places_rows=overview.places_rows(reports),
        rates_chart=overview.intake_rates_chart(reports),
        outcomes_header=overview.OUTCOMES_HEADER, outcomes_rows=overview.outcomes_rows(reports),
    )


@bp.get("/admin/reports/take-up.csv")
@access.roles(Role.ADMIN)
def take_up_csv():
    """Take-up by signatory councils, as CSV."""
    return csv_response("take-up-by-councils.csv", overview.TAKE_UP_HEADER,
                        overview.take_up_rows(overview.programme_report()))


@bp.get("/admin/reports/intakes-places.csv")
@access.roles(Role.ADMIN)
def intakes_places_csv():
    """Places and nominations on every intake, as CSV."""
    return csv_response("intakes-places-and-nominations.csv", overview.PLACES_HEADER,
                        overview.places_rows(overview.every_intake_report()))


@bp.get("/admin/reports/intakes-outcomes.csv")
@access.roles(Role.ADMIN)
def intakes_outcomes_csv():
    """Cohorts, completion, attendance and certificates on every intake, as CSV."""
    return csv_response("intakes-cohorts-and-outcomes.csv", overview.OUTCOMES_HEADER,
                        overview.outcomes_rows(overview.every_intake_report()))


@bp.get("/admin/reports/intakes/<id:intake_id>")
@access.roles(Role.ADMIN)
def intake_page(intake_id):
    """One intake: nominations by status, places allocated and used, and its cohorts."""
    intake = db.get_or_404(Intake, intake_id)
    (report,) = overview.intake_reports([intake])
    page = db.paginate(intake_report.cohorts_of(intake), per_page=20, error_out=False)
    results = outcomes(by_cohort([cohort.id for cohort in page.items]))
    return render_template(
        "reports/intake.html", intake=intake, report=report, page=page, results=results,
        totals=intake_report.places_totals(intake),
        nominations_chart=intake_report.nominations_chart(report),
        nominations_header=intake_report.NOMINATIONS_HEADER, nominations_rows=intake_report.nomination_rows(report),
        fill_chart=intake_report.fill_chart(page.items, results),
        rates_chart=intake_report.cohort_rates_chart(page.items, results),
        cohorts_header=intake_report.COHORTS_HEADER, cohorts_rows=intake_report.cohort_rows(page.items, results),
    )


@bp.get("/admin/reports/intakes/<id:intake_id>/nominations.csv")
@access.roles(Role.ADMIN)
def intake_nominations_csv(intake_id):
    """An intake's nominations by status, as CSV."""
    intake = db.get_or_404(Intake, intake_id)
    (report,) = overview.intake_reports([intake])
    return csv_response(file_name(intake.name, "nominations by status"), intake_report.NOMINATIONS_HEADER,
                        intake_report.nomination_rows(report))


@bp.get("/admin/reports/intakes/<id:intake_id>/cohorts.csv")
@access.roles(Role.ADMIN)
def intake_cohorts_csv(intake_id):
    """Every cohort of an intake with its figures, as CSV."""
    intake = db.get_or_404(Intake, intake_id)
    cohorts = intake_report.cohort_list(intake)
    results = outcomes(by_cohort([cohort.id for cohort in cohorts]))
    return csv_response(file_name(intake.name, "cohorts"), intake_report.COHORTS_HEADER,
                        intake_report.cohort_rows(cohorts, results))


@bp.get("/admin/reports/intakes/<id:intake_id>/councils")
@access.roles(Role.ADMIN)
def intake_councils(intake_id):
    """Places allocated and used by each council on an intake."""
    intake = db.get_or_404(Intake, intake_id)
    page = paginate_rows(intake_report.council_places(intake), per_page=25)
    return render_template(
        "reports/councils.html", intake=intake, page=page, totals=intake_report.places_totals(intake),
        councils_chart=intake_report.councils_chart(page.items), header=intake_report.COUNCILS_HEADER,
        rows=intake_report.council_rows(page.items),
    )


@bp.get("/admin/reports/intakes/<id:intake_id>/councils.csv")
@access.roles(Role.ADMIN)
def intake_councils_csv(intake_id):
    """Places allocated and used by every council on an intake, as CSV."""
    intake = db.get_or_404(Intake, intake_id)
    rows = intake_report.council_place_rows(intake)
    return csv_response(file_name(intake.name, "places by council"), intake_report.COUNCILS_HEADER,
                        intake_report.council_rows(rows))
