"""Nominations, for the programme team: the queue, decisions one at a time or several at once."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import access
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.councils.models import Council
from app.extensions import db
from app.intakes import decisions
from app.intakes.decisions import Decision
from app.intakes.forms import BulkDecisionForm, DecisionForm, SubstitutionDecisionForm
from app.intakes.models import Intake, Nomination, NominationStatus
from app.intakes.queue import OFFERED, SUBSTITUTION, QueueFilter, counts, queue
from app.intakes.services import IntakeError

bp = Blueprint("queue", __name__, url_prefix="/admin/nominations")

STATUS_FILTERS = [
    ("", "All nominations"),
    *[(s.value, s.label) for s in NominationStatus],
    (OFFERED, "Places offered, to confirm"),
    (SUBSTITUTION, "Substitutions requested"),
]


def _done_message(decision: Decision, decided: list[Nomination]) -> str:
    names = decided[0].nominee_name if len(decided) == 1 else f"{len(decided)} nominations"
    return {
        Decision.ACCEPT: f"Accepted {names}",
        Decision.WAITLIST: f"Added {names} to the waiting list",
        Decision.DECLINE: f"Declined {names}",
    }[decision]


@bp.route("/", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def index():
    """The queue: filter, count, select several and decide."""
    filters = QueueFilter.from_args(request.args)
    form = BulkDecisionForm()
    if form.validate_on_submit():
        decision = Decision(form.decision.data)
        try:
            decided = decisions.decide(form.nominations.data, decision, current_user, form.reason.data or "")
        except IntakeError as error:
            db.session.rollback()
            getattr(form, error.field or "nominations").errors.append(str(error))
        else:
            db.session.commit()
            flash(_done_message(decision, decided))
            return redirect(request.full_path)
    page = db.paginate(queue(filters), per_page=25, error_out=False)
    return render_template(
        "intakes/queue/index.html",
        form=form,
        page=page,
        filters=filters,
        counts=counts(filters),
        status_filters=STATUS_FILTERS,
        intakes=db.session.execute(select(Intake.id, Intake.name).order_by(Intake.closes_at.desc())).all(),
        councils=db.session.execute(select(Council.id, Council.name).order_by(Council.name)).all(),
        selected=set(form.nominations.data or []),
    )


def _render_detail(nomination: Nomination, form=None, substitution_form=None, status: int = 200):
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "Nomination", AuditEvent.object_id == nomination.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    decision_form = form or DecisionForm(formdata=None)
    substitution_form = substitution_form or SubstitutionDecisionForm(formdata=None, prefix="substitution")
    shown = substitution_form if substitution_form.errors else decision_form
    page = render_template(
        "intakes/queue/detail.html",
        nomination=nomination,
        history=history,
        decision_form=decision_form,
        substitution_form=substitution_form,
        form=shown,
        decidable=[d for d in Decision if nomination.status in decisions.DECIDABLE_FROM[d]],
    )
    return page, status


@bp.get("/<int:nomination_id>")
@access.roles(Role.ADMIN)
def detail(nomination_id):
    """A nomination in full, its history, and the decisions open to it."""
    return _render_detail(db.get_or_404(Nomination, nomination_id))


@bp.post("/<int:nomination_id>/decide")
@access.roles(Role.ADMIN)
def decide(nomination_id):
    """Decide one nomination."""
    nomination = db.get_or_404(Nomination, nomination_id)
    form = DecisionForm()
    if form.validate_on_submit():
        decision = Decision(form.decision.data)
        try:
            decisions.decide([nomination.id], decision, current_user, form.reason.data or "")
        except IntakeError as error:
            db.session.rollback()
            getattr(form, "reason" if error.field == "reason" else "decision").errors.append(str(error))
        else:
            db.session.commit()
            flash(_done_message(decision, [nomination]))
            return redirect(url_for("queue.detail", nomination_id=nomination.id))
    return _render_detail(nomination, form=form, status=400)


@bp.post("/<int:nomination_id>/substitution")
@access.roles(Role.ADMIN)
def substitution(nomination_id):
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
            getattr(form, error.field or "decision").errors.append(str(error))
        else:
            db.session.commit()
            if form.decision.data == "approve":
                flash(f"{name} has been given the place of {nomination.nominee_name}")
                return redirect(url_for("queue.detail", nomination_id=substitute.id))
            flash(f"You declined the substitution of {name}")
            return redirect(url_for("queue.detail", nomination_id=nomination.id))
    return _render_detail(nomination, substitution_form=form, status=400)
