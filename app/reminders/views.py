"""Reminders for everyone: choosing which to get, and one-click unsubscribe."""


from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app import access
from app.reminders import bp
from app.auth.models import Role
from app.extensions import csrf, db
from app.forms import ConfirmForm
from app.reminders import services
from app.reminders.forms import PreferencesForm
from app.reminders.kinds import DIGEST, optional_kinds_for


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
