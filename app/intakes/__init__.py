"""Intakes: the programme team's intakes and queue of nominations, and council leads' nominations."""

from flask import Blueprint

# No url_prefix: the programme team's pages are under /admin/intakes and /admin/nominations,
# council leads' under /nominations.
bp = Blueprint("intakes", __name__)

from app.intakes import admin_views, lead_views  # noqa: E402,F401 - they add routes to bp
