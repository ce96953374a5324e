"""The admin's outbox: every email, and sending failed ones again."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.extensions import db
from app.forms import ConfirmForm
from app.mail import bp, services
from app.mail.models import OutboxMessage, OutboxStatus


@bp.get("/admin/outbox")
@access.roles(Role.ADMIN)
def outbox():
    """Every email, newest first, filtered by status, kind and text."""
    matching = services.OutboxFilter.from_args(request.args)
    return render_template(
        "mail/outbox.html", page=services.outbox_page(matching), counts=services.status_counts(),
        kinds=services.kinds_sent(), matching=matching, statuses=list(OutboxStatus), form=ConfirmForm(),
    )


@bp.post("/admin/outbox/<id:message_id>/retry")
@access.roles(Role.ADMIN)
def outbox_retry(message_id):
    """Send a failed message again."""
    message = db.get_or_404(OutboxMessage, message_id)
    if ConfirmForm().validate_on_submit() and services.retry(message, actor=current_user):
        db.session.commit()
        flash(f"The email to {message.recipient} will be sent again within a minute")
    return redirect(url_for("mail.outbox", status="failed"))


@bp.post("/admin/outbox/retry-failed")
@access.roles(Role.ADMIN)
def outbox_retry_failed():
    """Send again every failed email the current filter shows."""
    matching = services.OutboxFilter.from_args(request.form)
    if ConfirmForm().validate_on_submit():
        count = services.retry_failed(matching, actor=current_user)
        db.session.commit()
        flash(f"{count} failed email{'' if count == 1 else 's'} will be sent again within a minute"
              if count else "No failed emails to send again", "success" if count else "info")
    return redirect(url_for("mail.outbox", status="failed", kind=matching.kind or None,
                            search=matching.search or None))
