"""Certificates: issuing them when a participant completes, verifying, downloading, revoking."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

# completion connects complete_all_done to progress_recorded when it is imported.
from app.certificates import completion  # noqa: E402,F401
from app.certificates import admin_views, views  # noqa: E402,F401 - they add routes to bp
