"""Loading what a council lead may see, or 404: only their own council's nominations."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.councils.models import Council
from app.extensions import db
from app.intakes.models import Nomination


def lead_council() -> Council:
    """The signed-in lead's council; a lead with none has nothing to see here."""
    if current_user.council is None:
        abort(404)
    return current_user.council


def own_nomination(nomination_id: int) -> Nomination:
    """A nomination of the lead's own council; any other is not found."""
    nomination = db.get_or_404(Nomination, nomination_id)
    if nomination.council_id != lead_council().id:
        abort(404)
    return nomination
