"""Intakes and nominations, for the programme team: intakes (create, change, open or close
early, places, export) and the queue of nominations (decisions one at a time or several at once)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.cohorts.services import cohorts_of_intake, placed_counts
from app.councils.models import Council
from app.errors import DomainError, show_error
from app.exports import csv_response, file_name
from app import form_tokens
from app.extensions import db
from app.forms import ConfirmForm
from app.intakes import bp, decisions, queue, services
from app.intakes.decisions import Decision
from app.intakes.export import HEADER, nomination_rows
from app.intakes.forms import (
    BulkDecisionForm,
    CouncilPlacesForm,
    DecisionForm,
    IntakeForm,
    SubstitutionDecisionForm,
    WindowForm,
)
from app.intakes.models import Intake, Nomination
from app.intakes.queue import STATUS_FILTERS, QueueFilter
from app.intakes.services import IntakeDetails, IntakeError
from app.paging import paginate_read, requested_page
from app.timeutil import utcnow


def _intake_form(intake: Intake | None = None) -> IntakeForm:
    form = IntakeForm()
    form.course.choices = services.course_choices()
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


@bp.get("/admin/intakes/")
@access.roles(Role.ADMIN)
def index():
    """Every intake, latest first, with its places used."""
    page = db.paginate(services.intakes_newest_first(), per_page=25, error_out=False)
    used = services.places_used_by_intake([intake.id for intake in page.items])
    return render_template("intakes/index.html", page=page, used=used, now=utcnow())


@bp.route("/admin/intakes/new", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def create():
    """Set up a new intake."""
    form = _intake_form()
    if form.validate_on_submit():
        if (repeat := form_tokens.claim(form)) is not None:
            return repeat
        try:
            intake = services.create_intake(_details(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            show_error(form, error, default="name")
        else:
            location, message = url_for("intakes.detail", intake_id=intake.id), f"{intake.name} has been created"
            form_tokens.done(form, location, message)
            db.session.commit()
            flash(message)
            return redirect(location)
    return render_template("intakes/edit.html", form=form, intake=None)


@bp.route("/admin/intakes/<id:intake_id>/edit", methods=["GET", "POST"])
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
            show_error(form, error, default="name")
        else:
            db.session.commit()
            flash(f"{intake.name} has been saved")
            return redirect(url_for("intakes.detail", intake_id=intake.id))
    return render_template("intakes/edit.html", form=form, intake=intake)


def _places_form(**kwargs) -> CouncilPlacesForm:
    form = CouncilPlacesForm(**kwargs)
    form.council.choices = services.council_choices()
    return form


def _render_detail(intake: Intake, places_form=None, window_form=None, status: int = 200):
    """The intake page; a form passed in with errors is shown with them."""
    places_form = places_form or _places_form(formdata=None)
    window_form = window_form or WindowForm(formdata=None)
    cohorts = cohorts_of_intake(intake)
    page = render_template(
        "intakes/detail.html",
        intake=intake,
        now=utcnow(),
        used=services.places_used(intake),
        used_by_council=services.used_by_council(intake),
        cohorts=cohorts,
        cohort_places=placed_counts(cohorts),
        places_form=places_form,
        window_form=window_form,
        remove_form=ConfirmForm(formdata=None),
        form=window_form if window_form.errors else places_form,
    )
    return page, status


@bp.get("/admin/intakes/<id:intake_id>")
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
        show_error(form, error, default="window")
        return _render_detail(intake, window_form=form, status=409)
    db.session.commit()
    flash(done.format(name=intake.name))
    return redirect(url_for("intakes.detail", intake_id=intake.id))


@bp.post("/admin/intakes/<id:intake_id>/open")
@access.roles(Role.ADMIN)
def open_now(intake_id):
    """Open the nomination window now."""
    return _window_action(intake_id, services.open_early, "Nominations for {name} are now open")


@bp.post("/admin/intakes/<id:intake_id>/close")
@access.roles(Role.ADMIN)
def close_now(intake_id):
    """Close the nomination window now."""
    return _window_action(intake_id, services.close_early, "Nominations for {name} are now closed")


@bp.post("/admin/intakes/<id:intake_id>/places")
@access.roles(Role.ADMIN)
def set_places(intake_id):
    """Give one council more or fewer places than the default."""
    intake = db.get_or_404(Intake, intake_id)
    form = _places_form()
    if form.validate_on_submit():
        council = db.session.get(Council, int(form.council.data))
        try:
            services.set_council_places(intake, council, form.places.data, current_user)
        except IntakeError as error:
            db.session.rollback()
            show_error(form, error, default="places")
        else:
            db.session.commit()
            flash(f"{council.name} has {form.places.data} places on {intake.name}")
            return redirect(url_for("intakes.detail", intake_id=intake.id))
    return _render_detail(intake, places_form=form, status=400)


@bp.post("/admin/intakes/<id:intake_id>/places/<id:council_id>/remove")
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
            places_form = _places_form(formdata=None)
            places_form.council.data = str(council.id)
            show_error(places_form, error, default="places")
            return _render_detail(intake, places_form=places_form, status=409)
        db.session.commit()
        flash(f"{council.name} is back to {intake.places_per_council} places")
    return redirect(url_for("intakes.detail", intake_id=intake.id))


@bp.get("/admin/intakes/<id:intake_id>/nominations.csv")
@access.roles(Role.ADMIN)
def export(intake_id):
    """Download the intake's nominations as CSV."""
    intake = db.get_or_404(Intake, intake_id)
    return csv_response(file_name("nominations", str(intake.id), intake.name), HEADER, nomination_rows(intake))


def _done_message(decision: Decision, decided: list[Nomination]) -> str:
    names = decided[0].nominee_name if len(decided) == 1 else f"{len(decided)} nominations"
    return {
        Decision.ACCEPT: f"Accepted {names}",
        Decision.WAITLIST: f"Added {names} to the waiting list",
        Decision.DECLINE: f"Declined {names}",
    }[decision]


#: Nominations on a page of the queue.
QUEUE_PAGE = 25


@bp.route("/admin/nominations/", methods=["GET", "POST"], endpoint="queue")
@access.roles(Role.ADMIN)
def queue_page():
    """The queue: filter, count, select several and decide."""
    filters = QueueFilter.from_args(request.args)
    form = BulkDecisionForm()
    if form.validate_on_submit():
        decision = Decision(form.decision.data)
        try:
            decided = decisions.decide(form.nominations.data, decision, current_user, form.reason.data or "")
        except IntakeError as error:
            db.session.rollback()
            show_error(form, error, default="nominations")
        else:
            db.session.commit()
            flash(_done_message(decision, decided))
            return redirect(request.full_path)
    counts = queue.counts(filters)
    number = requested_page()
    page = paginate_read(queue.rows(filters, number, QUEUE_PAGE), number, QUEUE_PAGE, queue.total(filters, counts))
    return render_template(
        "intakes/queue/index.html",
        form=form,
        page=page,
        filters=filters,
        counts=counts,
        status_filters=STATUS_FILTERS,
        intakes=queue.intake_options(),
        selected=set(form.nominations.data or []),
    )


def _render_nomination(nomination: Nomination, form=None, substitution_form=None, status: int = 200):
    decision_form = form or DecisionForm(formdata=None)
    substitution_form = substitution_form or SubstitutionDecisionForm(formdata=None, prefix="substitution")
    shown = substitution_form if substitution_form.errors else decision_form
    page = render_template(
        "intakes/queue/detail.html",
        nomination=nomination,
        history=queue.history(nomination),
        decision_form=decision_form,
        substitution_form=substitution_form,
        form=shown,
        decidable=[d for d in Decision if nomination.status in decisions.DECIDABLE_FROM[d]],
    )
    return page, status


@bp.get("/admin/nominations/<id:nomination_id>")
@access.roles(Role.ADMIN)
def queue_nomination(nomination_id):
    """A nomination in full, its history, and the decisions open to it."""
    return _render_nomination(db.get_or_404(Nomination, nomination_id))


@bp.post("/admin/nominations/<id:nomination_id>/decide")
@access.roles(Role.ADMIN)
def queue_decide(nomination_id):
    """Decide one nomination."""
    nomination = db.get_or_404(Nomination, nomination_id)
    form = DecisionForm()
    if form.validate_on_submit():
        decision = Decision(form.decision.data)
        try:
            decisions.decide([nomination.id], decision, current_user, form.reason.data or "")
        except IntakeError as error:
            db.session.rollback()
            # With one nomination, a refusal of "the nominations" is a refusal of this decision.
            field = "reason" if error.field == "reason" else "decision"
            show_error(form, DomainError(str(error), field))
        else:
            db.session.commit()
            flash(_done_message(decision, [nomination]))
            return redirect(url_for("intakes.queue_nomination", nomination_id=nomination.id))
    return _render_nomination(nomination, form=form, status=400)


@bp.post("/admin/nominations/<id:nomination_id>/substitution")
@access.roles(Role.ADMIN)
def queue_substitution(nomination_id):
    """Approve or decline a council lead's request to substitute an accepted nominee."""
    nomination = db.get_or_404(Nomination, nomination_id)
    form = SubstitutionDecisionForm(prefix="substitution")
    if form.validate_on_submit():
        name = nomination.substitute_name
        try:
            if form.decision.data == "approve":
                substitute = decisions.approve_substitution(nomination, current_user)
            else:
                decisions.decline_substitution(nomination, current_user, form.reason.data or "")
        except IntakeError as error:
            db.session.rollback()
            show_error(form, error, default="decision")
        else:
            db.session.commit()
            if form.decision.data == "approve":
                flash(f"{name} has been given the place of {nomination.nominee_name}")
                return redirect(url_for("intakes.queue_nomination", nomination_id=substitute.id))
            flash(f"You declined the substitution of {name}")
            return redirect(url_for("intakes.queue_nomination", nomination_id=nomination.id))
    return _render_nomination(nomination, substitution_form=form, status=400)
