"""Intakes, for the programme team: create, change, open or close early, places, export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app import access
from app.auth.models import Role
from app.councils.models import Council
from app.courses.models import Course
from app.extensions import db
from app.forms import ConfirmForm
from app.intakes import services
from app.intakes.export import nominations_csv
from app.intakes.forms import CouncilPlacesForm, IntakeForm, WindowForm
from app.intakes.models import Intake
from app.intakes.services import IntakeDetails, IntakeError
from app.timeutil import utcnow

bp = Blueprint("intakes", __name__, url_prefix="/admin/intakes")


def _intake_form(intake: Intake | None = None) -> IntakeForm:
    form = IntakeForm()
    courses = db.session.execute(select(Course.id, Course.title).order_by(Course.title)).all()
    form.course.choices = [("", "Choose a course")] + [(str(i), t) for i, t in courses]
    if intake is not None and not form.is_submitted():
        form.fill_from(intake)
    return form


def _details(form: IntakeForm) -> IntakeDetails:
    """The values of a validated form, for a service."""
    return IntakeDetails(
        course_id=int(form.course.data),
        name=form.name.data,
        opens_at=form.opens_utc,
        closes_at=form.closes_utc,
        cohorts_start_on=form.cohorts_start_on.data,
        places_per_council=form.places_per_council.data,
        total_places=form.total_places.data,
    )


def _show_error(form, error: IntakeError, default_field: str) -> None:
    getattr(form, error.field or default_field).errors.append(str(error))


@bp.get("/")
@access.roles(Role.ADMIN)
def index():
    """Every intake, latest first, with its places used."""
    page = db.paginate(services.intakes_newest_first(), per_page=25, error_out=False)
    used = services.places_used_by_intake([intake.id for intake in page.items])
    return render_template("intakes/index.html", page=page, used=used, now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def create():
    """Set up a new intake."""
    form = _intake_form()
    if form.validate_on_submit():
        try:
            intake = services.create_intake(_details(form), current_user)
        except IntakeError as error:
            _show_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"{intake.name} has been created")
            return redirect(url_for("intakes.detail", intake_id=intake.id))
    return render_template("intakes/edit.html", form=form, intake=None)


@bp.route("/<int:intake_id>/edit", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def edit(intake_id):
    """Change an intake's dates and places."""
    intake = db.get_or_404(Intake, intake_id)
    form = _intake_form(intake)
    if form.validate_on_submit():
        try:
            services.update_intake(intake, _details(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            _show_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"{intake.name} has been saved")
            return redirect(url_for("intakes.detail", intake_id=intake.id))
    return render_template("intakes/edit.html", form=form, intake=intake)


def _council_choices() -> list[tuple[str, str]]:
    councils = db.session.execute(select(Council.id, Council.name).order_by(Council.name)).all()
    return [("", "Choose a council")] + [(str(i), n) for i, n in councils]


def _render_detail(intake: Intake, places_form=None, window_form=None, status: int = 200):
    """The intake page; a form passed in with errors is shown with them."""
    if places_form is None:
        places_form = CouncilPlacesForm(formdata=None)
        places_form.council.choices = _council_choices()
    window_form = window_form or WindowForm(formdata=None)
    page = render_template(
        "intakes/detail.html",
        intake=intake,
        now=utcnow(),
        used=services.places_used(intake),
        used_by_council=services.used_by_council(intake),
        places_form=places_form,
        window_form=window_form,
        remove_form=ConfirmForm(formdata=None),
        form=window_form if window_form.errors else places_form,
    )
    return page, status


@bp.get("/<int:intake_id>")
@access.roles(Role.ADMIN)
def detail(intake_id):
    """An intake: its window, places, overrides and actions."""
    return _render_detail(db.get_or_404(Intake, intake_id))


def _window_action(intake_id: int, action, done: str):
    intake = db.get_or_404(Intake, intake_id)
    form = WindowForm()
    if not form.validate_on_submit():
        return redirect(url_for("intakes.detail", intake_id=intake.id))
    try:
        action(intake, current_user)
    except IntakeError as error:
        db.session.rollback()
        form.window.errors.append(str(error))
        return _render_detail(intake, window_form=form, status=409)
    db.session.commit()
    flash(done.format(name=intake.name))
    return redirect(url_for("intakes.detail", intake_id=intake.id))


@bp.post("/<int:intake_id>/open")
@access.roles(Role.ADMIN)
def open_now(intake_id):
    """Open the nomination window now."""
    return _window_action(intake_id, services.open_early, "Nominations for {name} are now open")


@bp.post("/<int:intake_id>/close")
@access.roles(Role.ADMIN)
def close_now(intake_id):
    """Close the nomination window now."""
    return _window_action(intake_id, services.close_early, "Nominations for {name} are now closed")


@bp.post("/<int:intake_id>/places")
@access.roles(Role.ADMIN)
def set_places(intake_id):
    """Give one council more or fewer places than the default."""
    intake = db.get_or_404(Intake, intake_id)
    form = CouncilPlacesForm()
    form.council.choices = _council_choices()
    if form.validate_on_submit():
        council = db.session.get(Council, int(form.council.data))
        try:
            services.set_council_places(intake, council, form.places.data, current_user)
        except IntakeError as error:
            db.session.rollback()
            _show_error(form, error, "places")
        else:
            db.session.commit()
            flash(f"{council.name} has {form.places.data} places on {intake.name}")
            return redirect(url_for("intakes.detail", intake_id=intake.id))
    return _render_detail(intake, places_form=form, status=400)


@bp.post("/<int:intake_id>/places/<int:council_id>/remove")
@access.roles(Role.ADMIN)
def remove_places(intake_id, council_id):
    """Put a council back on the default number of places."""
    intake = db.get_or_404(Intake, intake_id)
    council = db.get_or_404(Council, council_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_council_places(intake, council, current_user)
        except IntakeError as error:
            db.session.rollback()
            places_form = CouncilPlacesForm(formdata=None)
            places_form.council.choices = _council_choices()
            places_form.council.data = str(council.id)
            places_form.places.errors = [str(error)]
            return _render_detail(intake, places_form=places_form, status=409)
        db.session.commit()
        flash(f"{council.name} is back to {intake.places_per_council} places")
    return redirect(url_for("intakes.detail", intake_id=intake.id))


@bp.get("/<int:intake_id>/nominations.csv")
@access.roles(Role.ADMIN)
def export(intake_id):
    """Download the intake's nominations as CSV."""
    intake = db.get_or_404(Intake, intake_id)
    filename = f"nominations-{intake.id}-{intake.name}".lower()
    safe = "".join(c if c.isalnum() else "-" for c in filename).strip("-")
    return Response(
        nominations_csv(intake).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'},
    )
