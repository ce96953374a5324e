"""Load what a council lead may see of their own council, or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.councils.models import Council
from app.extensions import db
from app.intakes.models import Nomination


def lead_council() -> Council:
    """The signed-in lead's council; a lead with none has nobody to follow."""
    if current_user.council is None:
        abort(404)
    return current_user.council


def load_own_nomination(nomination_id: int) -> Nomination:
    """A nomination of the signed-in lead's council; any other is a 404."""
    nomination = db.get_or_404(Nomination, nomination_id)
    if nomination.council_id != lead_council().id:
        abort(404)
    return nomination
