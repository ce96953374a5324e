"""The audit log of who did what, for the programme team."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from app.audit import views  # noqa: E402,F401 - they add routes to bp
