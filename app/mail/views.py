"""The admin's outbox: every email, and sending a failed one again."""

from flask import flash, redirect, render_template, request, url_for

from app import access
from app.auth.models import Role
from app.extensions import db
from app.forms import ConfirmForm
from app.mail import bp, services
from app.mail.models import OutboxMessage, OutboxStatus


@bp.get("/admin/outbox")
@access.roles(Role.ADMIN)
def outbox():
    """Every email, newest first, filtered by status and kind."""
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    return render_template(
        "mail/outbox.html", page=services.outbox_page(status, kind), counts=services.status_counts(),
        kinds=services.kinds_sent(), status=status, kind=kind, statuses=list(OutboxStatus), form=ConfirmForm(),
    )


@bp.post("/admin/outbox/<id:message_id>/retry")
@access.roles(Role.ADMIN)
def outbox_retry(message_id):
    """Send a failed message again."""
    message = db.get_or_404(OutboxMessage, message_id)
    if ConfirmForm().validate_on_submit() and services.retry(message):
        db.session.commit()
        flash(f"The email to {message.recipient} will be sent again within a minute")
    return redirect(url_for("mail.outbox", status="failed"))
