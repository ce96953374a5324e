"""Nominations, for council leads: only their own council's, anything else is a 404."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.errors import show_error
from app.extensions import db
from app.forms import ConfirmForm
from app.intakes import bp, services
from app.intakes import nominations as service
from app.intakes.forms import NominationForm, SubstitutionForm
from app.intakes.loading import lead_council, own_nomination
from app.intakes.models import Intake
from app.intakes.nominations import Nominee
from app.intakes.services import IntakeError
from app.timeutil import utcnow


def _nominee(form: NominationForm) -> Nominee:
    return Nominee(
        name=form.name.data,
        email=form.email.data,
        job_title=form.job_title.data,
        service_area=form.service_area.data,
        reason=form.reason.data,
        line_manager_supports=bool(form.line_manager_supports.data),
    )


@bp.get("/nominations/")
@access.roles(Role.COUNCIL_LEAD)
def lead_index():
    """The intakes, open ones first, with the council's places on each."""
    council = lead_council()
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


@bp.get("/nominations/intakes/<id:intake_id>")
@access.roles(Role.COUNCIL_LEAD)
def lead_intake(intake_id):
    """One intake for the lead: the window, the council's places and its nominations."""
    council = lead_council()
    intake = db.get_or_404(Intake, intake_id)
    nominations = service.council_nominations(intake, council)
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


@bp.route("/nominations/intakes/<id:intake_id>/nominate", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def lead_nominate(intake_id):
    """Nominate a member of staff for a place on the intake."""
    council = lead_council()
    intake = db.get_or_404(Intake, intake_id)
    form = NominationForm()
    if form.validate_on_submit():
        try:
            nomination = service.nominate(intake, council, _nominee(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            # Refusals about the council or the window concern the whole nomination: they are
            # shown at its first field, where the error summary links.
            show_error(form, error, default="name")
        else:
            db.session.commit()
            flash(f"You have nominated {nomination.nominee_name}")
            return redirect(url_for("intakes.lead_intake", intake_id=intake.id))
    refusal = None if form.is_submitted() else service.why_cannot_nominate(intake, council)
    return render_template("intakes/lead/nominate.html", form=form, intake=intake, council=council, refusal=refusal)


@bp.get("/nominations/<id:nomination_id>")
@access.roles(Role.COUNCIL_LEAD)
def lead_nomination(nomination_id):
    """One of the council's nominations and what can still be done with it."""
    nomination = own_nomination(nomination_id)
    return render_template(
        "intakes/lead/detail.html",
        nomination=nomination,
        substitution_problem=service.substitution_problem(nomination),
    )


@bp.route("/nominations/<id:nomination_id>/edit", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def lead_edit(nomination_id):
    """Change a nomination that has not been decided."""
    nomination = own_nomination(nomination_id)
    if nomination.is_decided:
        return redirect(url_for("intakes.lead_nomination", nomination_id=nomination.id))
    form = NominationForm()
    if not form.is_submitted():
        form.fill_from(nomination)
    if form.validate_on_submit():
        try:
            service.update_nomination(nomination, _nominee(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            # Refusals about the council or the window concern the whole nomination: they are
            # shown at its first field, where the error summary links.
            show_error(form, error, default="name")
        else:
            db.session.commit()
            flash(f"Your nomination of {nomination.nominee_name} has been saved")
            return redirect(url_for("intakes.lead_nomination", nomination_id=nomination.id))
    return render_template("intakes/lead/edit.html", form=form, nomination=nomination)


@bp.route("/nominations/<id:nomination_id>/withdraw", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def lead_withdraw(nomination_id):
    """Withdraw a nomination, after confirming."""
    nomination = own_nomination(nomination_id)
    if nomination.status not in service.WITHDRAWABLE:
        return redirect(url_for("intakes.lead_nomination", nomination_id=nomination.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.withdraw(nomination, current_user)
        except IntakeError as error:
            db.session.rollback()
            show_error(form, error, default="submit")
        else:
            db.session.commit()
            flash(f"You have withdrawn the nomination of {nomination.nominee_name}")
            return redirect(url_for("intakes.lead_intake", intake_id=nomination.intake_id))
    return render_template("intakes/lead/withdraw.html", form=form, nomination=nomination)


@bp.route("/nominations/<id:nomination_id>/substitute", methods=["GET", "POST"])
@access.roles(Role.COUNCIL_LEAD)
def lead_substitute(nomination_id):
    """Ask the programme team to give an accepted nominee's place to someone else."""
    nomination = own_nomination(nomination_id)
    problem = service.substitution_problem(nomination)
    form = SubstitutionForm()
    if form.validate_on_submit():
        try:
            service.request_substitution(nomination, _nominee(form), current_user)
        except IntakeError as error:
            db.session.rollback()
            # Refusals about the council or the window concern the whole nomination: they are
            # shown at its first field, where the error summary links.
            show_error(form, error, default="name")
        else:
            db.session.commit()
            flash(f"You have asked to substitute {form.name.data} for {nomination.nominee_name}")
            return redirect(url_for("intakes.lead_nomination", nomination_id=nomination.id))
    return render_template(
        "intakes/lead/substitute.html",
        form=form,
        nomination=nomination,
        problem=None if form.is_submitted() else problem,
    )
