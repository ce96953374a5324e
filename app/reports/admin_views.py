"""Reports for the programme team: the programme overview and each intake's report."""

from __future__ import annotations

from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app import access
from app.auth.models import Role
from app.exports import csv_response, file_name
from app.extensions import db
from app.forms import ConfirmForm
from app.intakes.models import Intake
from app.kept import FOREVER, kept
from app.paging import paginate_list, paginate_read, requested_page
from app.reports import bp, overview, snapshots
from app.reports import intake as intake_report
from app.timeutil import utcnow


@bp.get("/admin/reports/")
@access.roles(Role.ADMIN)
def overview_page():
    """The whole programme at a glance: take-up by councils, and every intake's figures."""
    figures = snapshots.overview_figures()
    if figures.counted_now:
        db.session.commit()
    page = paginate_list(figures.intakes, per_page=10, each=overview.IntakeReport.from_json)
    reports, programme = page.items, figures.programme
    drawn = figures_html(("overview figures", page.page), figures.counted_at, "reports/_overview_figures.html", lambda: dict(
        reports=reports, programme=programme,
        take_up_chart=overview.take_up_chart(programme), places_chart=overview.places_chart(reports),
        places_header=overview.PLACES_HEADER, places_rows=overview.places_rows(reports),
        rates_chart=overview.intake_rates_chart(reports),
        outcomes_header=overview.OUTCOMES_HEADER, outcomes_rows=overview.outcomes_rows(reports),
    ))
    return render_template("reports/overview.html", page=page, reports=reports, figures=drawn,
                           counted_at=figures.counted_at, form=ConfirmForm())


def figures_html(key: tuple, revision, template: str, context: Callable[[], dict]) -> Markup:
    """A report's figures (its charts, tables and downloads), drawn from `context()` once for
    each `revision` (when they were counted, with anything they show that is read live) and
    kept (app/kept.py): drawing them cost a report page more than reading them. Nothing in
    them depends on who is looking or what they asked, so the page's form and pagination are
    drawn around them, every time."""
    return kept(key, revision, utcnow(), lambda: (Markup(render_template(template, **context())), FOREVER))


@bp.post("/admin/reports/")
@access.roles(Role.ADMIN)
def overview_count_again():
    """Count every report's figures again now, then show the overview."""
    return _count_again(snapshots.OVERVIEW, "reports.overview_page")


def _count_again(page: str, endpoint: str, **values):
    """Recount, audit and commit, then back to the page (and page number) it was asked from."""
    if ConfirmForm().validate_on_submit():
        snapshots.count_again(page, current_user, utcnow())
        db.session.commit()
        flash("The figures have been counted again")
    return redirect(url_for(endpoint, **values, page=request.args.get("page", type=int)))


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
    number = requested_page()
    figures = snapshots.intake_figures(intake_id, number) or abort(404)
    if figures.counted_now:
        db.session.commit()
    intake, report = figures.intake, figures.report
    page = paginate_read(figures.cohorts, number, snapshots.COHORTS_PER_PAGE, total=figures.cohort_count)
    # The places on offer are the intake's own, read now, not counted.
    drawn = figures_html(("intake figures", intake.id, number), (figures.counted_at, intake.total_places),
                         "reports/_intake_figures.html", lambda: dict(
        intake=intake, report=report, page=page, totals=figures.totals,
        nominations_chart=intake_report.nominations_chart(report),
        nominations_header=intake_report.NOMINATIONS_HEADER, nominations_rows=intake_report.nomination_rows(report),
        fill_chart=intake_report.fill_chart(page.items),
        rates_chart=intake_report.cohort_rates_chart(page.items),
        cohorts_header=intake_report.COHORTS_HEADER, cohorts_rows=intake_report.cohort_rows(page.items),
    ))
    return render_template("reports/intake.html", intake=intake, page=page, figures=drawn,
                           counted_at=figures.counted_at, form=ConfirmForm())


@bp.post("/admin/reports/intakes/<id:intake_id>")
@access.roles(Role.ADMIN)
def intake_count_again(intake_id):
    """Count every report's figures again now, then show the intake's report."""
    intake = db.get_or_404(Intake, intake_id)
    return _count_again(snapshots.intake_page(intake.id), "reports.intake_page", intake_id=intake.id)


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
    return csv_response(file_name(intake.name, "cohorts"), intake_report.COHORTS_HEADER,
                        intake_report.cohort_rows(intake_report.cohort_figures(intake)))


@bp.get("/admin/reports/intakes/<id:intake_id>/councils")
@access.roles(Role.ADMIN)
def intake_councils(intake_id):
    """Places allocated and used by each council on an intake."""
    number = requested_page()
    figures = snapshots.councils_figures(intake_id, number) or abort(404)
    if figures.counted_now:
        db.session.commit()
    intake = figures.intake
    page = paginate_read(figures.councils, number, snapshots.COUNCILS_PER_PAGE, total=figures.totals.councils)
    drawn = figures_html(("councils figures", intake.id, number), figures.counted_at, "reports/_councils_figures.html",
                         lambda: dict(intake=intake, page=page, totals=figures.totals,
                                      councils_chart=intake_report.councils_chart(page.items),
                                      header=intake_report.COUNCILS_HEADER, rows=intake_report.council_rows(page.items)))
    return render_template("reports/councils.html", intake=intake, page=page, figures=drawn,
                           counted_at=figures.counted_at, form=ConfirmForm())


@bp.post("/admin/reports/intakes/<id:intake_id>/councils")
@access.roles(Role.ADMIN)
def councils_count_again(intake_id):
    """Count every report's figures again now, then show the intake's places by council."""
    intake = db.get_or_404(Intake, intake_id)
    return _count_again(snapshots.councils_page(intake.id), "reports.intake_councils", intake_id=intake.id)


@bp.get("/admin/reports/intakes/<id:intake_id>/councils.csv")
@access.roles(Role.ADMIN)
def intake_councils_csv(intake_id):
    """Places allocated and used by every council on an intake, as CSV."""
    intake = db.get_or_404(Intake, intake_id)
    rows = intake_report.council_place_rows(intake)
    return csv_response(file_name(intake.name, "places by council"), intake_report.COUNCILS_HEADER,
                        intake_report.council_rows(rows))
