"""Intakes: the programme team's intakes and queue of nominations, and council leads' nominations."""

from flask import Blueprint

# No url_prefix: the programme team's pages are under /admin/intakes and /admin/nominations,
# council leads' under /nominations.
bp = Blueprint("intakes", __name__)
