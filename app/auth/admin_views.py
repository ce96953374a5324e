"""The programme team's pages of people: the list and invitations."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
from app.auth import bp
from app.auth import services
from app.auth.forms import InviteForm
from app.auth.models import Role
from app.councils.models import Council
from app import form_tokens
from app.extensions import db
from app.errors import show_error



@bp.route("/admin/people")
@access.roles(Role.ADMIN)
def people():
    """Everyone with an account, searchable."""
    query = request.args.get("q", "").strip()
    page = services.people_page(query)
    return render_template("auth/people.html", page=page, query=query)


@bp.route("/admin/people/invite", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def invite():
    """Invite a person: they receive a link to set their password."""
    form = InviteForm()
    form.council.choices = services.council_choices()
    if request.method == "GET" and request.args.get("council"):
        form.council.data = request.args["council"]
        form.roles.data = [Role.COUNCIL_LEAD.value]
    if form.validate_on_submit():
        if (repeat := form_tokens.claim(form)) is not None:
            return repeat
        council = db.session.get(Council, int(form.council.data)) if form.council.data else None
        try:
            user = services.invite_user(
                actor=current_user,
                email=form.email.data,
                name=form.name.data,
                roles={Role(value) for value in form.roles.data},
                council=council,
            )
        except services.AccountError as error:
            db.session.rollback()
            show_error(form, error, default="email")
        else:
            location = url_for("councils.detail", council_id=council.id) if council else url_for("auth.people")
            message = f"Invitation sent to {user.email}"
            form_tokens.done(form, location, message)
            db.session.commit()
            flash(message)
            return redirect(location)
    return render_template("auth/invite.html", form=form)
