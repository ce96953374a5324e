"""Nominations, for council leads: only their own council's, anything else is a 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app import access
from app.auth.models import Role
from app.extensions import db
from app.forms import ConfirmForm
from app.intakes import nominations as service
from app.intakes import services
from app.intakes.forms import NominationForm, SubstitutionForm
from app.intakes.models import Intake, Nomination
from app.intakes.nominations import Nominee
from app.intakes.services import IntakeError
from app.timeutil import utcnow

bp = Blueprint("nominations", __name__, url_prefix="/nominations")


def _council():
    """The signed-in lead's council; a lead with none has nothing to see here."""
    if current_user.council is None:
        abort(404)
    return current_user.council


def _own_nomination(nomination_id: int) -> Nomination:
    """A nomination of the lead's own council; any other is not found."""
    nomination = db.get_or_404(Nomination, nomination_id)
    if nomination.council_id != _council().id:
        abort(404)
    return nomination


def _nominee(form: NominationForm) -> Nominee:
    return Nominee(
        name=form.name.data,
        email=form.email.data,
        job_title=form.job_title.data,
        service_area=form.service_area.data,
        reason=form.reason.data,
        line_manager_supports=bool(form.line_manager_supports.data),
    )


def _show_error(form: NominationForm, error: IntakeError) -> None:
    # Refusals about the council or the window concern the whole nomination: they are
    # shown at its first field, where the error summary links.
    getattr(form, error.field or "name").errors.append(str(error))


@bp.get("/")
@access.roles(Role.COUNCIL_LEAD)
def index():
    """The intakes, open ones first, with the council's places on each."""
    council = _council()
    now = utcnow()
    page = db.paginate(services.intakes_for_leads(now), per_page=25, error_out=False)
    places = services.places_for(page.items, council)
    return render_template(
        "intakes/lead/index.html",
        page=page,
        places=places,
        council=council,
        now=now,
    )


@bp.get("/intakes/<int:intake_id>")
@access.roles(Role.COUNCIL_LEAD)
def intake(intake_id):
    """One intake for the lead: the window, the council's places and its nominations."""
    council = _council()
    intake = db.get_or_404(Intake, intake_id)
    nominations = db.session.scalars(
        select(Nomination)
        .where(Nomination.intake_id == intake.id, Nomination.council_id == council.id)
        .order_by(Nomination.created_at, Nomination.id)
    ).all()
    return render_template(
        "intakes/lead/intake.html",
        intake=intake,
        council=council,
        now=utcnow(),
        places=services.council_places(intake, council),
        refusal=service.why_cannot_nominate(intake, council),
        signatory_problem=services.signatory_problem(intake, council),
        nominations=nominations,
    )


@bp.route("/intakes/<int:intake_id>/nominate", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def nominate(intake_id):
    """Nominate a member of staff for a place on the intake."""
    council = _council()
    intake = db.get_or_404(Intake, intake_id)
    form = NominationForm()
    if form.validate_on_submit():
        try:
            nomination = service.nominate(intake, council, _nominee(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(f"You have nominated {nomination.nominee_name}")
            return redirect(url_for("nominations.intake", intake_id=intake.id))
    refusal = None if form.is_submitted() else service.why_cannot_nominate(intake, council)
    return render_template("intakes/lead/nominate.html", form=form, intake=intake, refusal=refusal)


@bp.get("/<int:nomination_id>")
@access.roles(Role.COUNCIL_LEAD)
def detail(nomination_id):
    """One of the council's nominations and what can still be done with it."""
    nomination = _own_nomination(nomination_id)
    return render_template(
        "intakes/lead/detail.html",
        nomination=nomination,
        substitution_problem=service.substitution_problem(nomination),
    )


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def edit(nomination_id):
    """Change a nomination that has not been decided."""
    nomination = _own_nomination(nomination_id)
    if nomination.is_decided:
        return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    form = NominationForm()
    if not form.is_submitted():
        form.fill_from(nomination)
    if form.validate_on_submit():
        try:
            service.update_nomination(nomination, _nominee(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(f"Your nomination of {nomination.nominee_name} has been saved")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    return render_template("intakes/lead/edit.html", form=form, nomination=nomination)


@bp.route("/<int:nomination_id>/withdraw", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def withdraw(nomination_id):
    """Withdraw a nomination, after confirming."""
    nomination = _own_nomination(nomination_id)
    if nomination.status not in service.WITHDRAWABLE:
        return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.withdraw(nomination, current_user)
        except IntakeError as error:
            db.session.rollback()
            form.submit.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"You have withdrawn the nomination of {nomination.nominee_name}")
            return redirect(url_for("nominations.intake", intake_id=nomination.intake_id))
    return render_template("intakes/lead/withdraw.html", form=form, nomination=nomination)


@bp.route("/<int:nomination_id>/substitute", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def substitute(nomination_id):
    """Ask the programme team to give an accepted nominee's place to someone else."""
    nomination = _own_nomination(nomination_id)
    problem = service.substitution_problem(nomination)
    form = SubstitutionForm()
    if form.validate_on_submit():
        try:
            service.request_substitution(nomination, _nominee(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(f"You have asked to substitute {form.name.data} for {nomination.nominee_name}")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    return render_template(
        "intakes/lead/substitute.html",
        form=form,
        nomination=nomination,
        problem=None if form.is_submitted() else problem,
    )
