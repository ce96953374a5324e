"""Reminder choices, unsubscribe links, and the admin's scheduler page."""

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice
from sqlalchemy import select, text

from app import access
from app.reminders import bp
from app.auth.models import Role
from app.extensions import csrf, db
from app.forms import ConfirmForm
from app.reminders import services
from app.reminders.forms import PreferencesForm
from app.reminders.kinds import DIGEST, optional_kinds_for
from app.reminders.models import SchedulerJobRun, SchedulerLock
from app.reminders.scheduler import JOBSTORE_TABLE
from app.timeutil import utcnow


JOB_LABELS = {
    "plan_reminders": "Plan reminders into the outbox",
    "deliver_outbox": "Deliver the outbox",
    "issue_certificates": "Issue certificates earned but missed",
}


@bp.route("/account/reminders", methods=["GET", "POST"])
@access.signed_in
def preferences():
    """Choose which optional reminders to receive."""
    kinds = optional_kinds_for(current_user)
    staff = current_user.has_role(Role.FACILITATOR)
    form = PreferencesForm()
    form.wanted.choices = [SelectChoice(k.name, k.label) for k in kinds]
    current = services.preferences_for(current_user)
    if request.method == "GET":
        form.wanted.data = [k.name for k in kinds if k.name not in current.opted_out]
        form.delivery.data = "daily" if current.daily_digest and DIGEST not in current.opted_out else "each"
    if form.validate_on_submit():
        wanted = set(form.wanted.data or [])
        services.set_preferences(
            current_user,
            switched_off={k.name for k in kinds if k.name not in wanted},
            daily_digest=staff and form.delivery.data == "daily",
        )
        db.session.commit()
        flash("Your reminder choices have been saved")
        return redirect(url_for("reminders.preferences"))
    return render_template("reminders/preferences.html", form=form, kinds=kinds, staff=staff)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@access.public
@csrf.exempt  # mail clients' one-click unsubscribe (RFC 8058) POSTs without a token
def unsubscribe(token):
    """Stop one kind of reminder from a link in the email."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        abort(404)
    user, kind = found
    if request.method == "POST":
        services.unsubscribe(user, kind)
        db.session.commit()
        return render_template("reminders/unsubscribed.html", kind=kind)
    return render_template("reminders/unsubscribe.html", kind=kind, form=ConfirmForm())


@bp.get("/admin/scheduler")
@access.roles(Role.ADMIN)
def scheduler():
    """Which process holds the scheduler lock, and each job's last and next run."""
    lock = db.session.get(SchedulerLock, "scheduler")
    runs = {run.job_id: run for run in db.session.scalars(select(SchedulerJobRun))}
    next_runs = {}
    if db.inspect(db.engine).has_table(JOBSTORE_TABLE):
        for job_id, next_run in db.session.execute(text(f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}")):
            next_runs[job_id] = datetime.fromtimestamp(next_run, UTC).replace(tzinfo=None)
    return render_template(
        "reminders/scheduler.html", lock=lock, runs=runs, next_runs=next_runs, now=utcnow(),
        jobs=JOB_LABELS,
    )
