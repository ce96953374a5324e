"""Intakes: the programme team's intakes and queue of nominations, and council leads' nominations."""

from flask import Blueprint

from app.intakes import markup

# No url_prefix: the programme team's pages are under /admin/intakes and /admin/nominations,
# council leads' under /nominations.
bp = Blueprint("intakes", __name__)
bp.add_app_template_global(markup.status_tags, "nomination_status")
bp.add_app_template_global(markup.queue_rows, "queue_rows")
