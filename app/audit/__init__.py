"""The audit log of who did what, for the programme team."""

from flask import Blueprint

from app.audit import markup

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
bp.add_app_template_global(markup.event_rows, "event_rows")
