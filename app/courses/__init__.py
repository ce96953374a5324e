"""Courses as content: checked and imported from files, versioned, previewed by staff, read by participants."""

from flask import Blueprint

bp = Blueprint("courses", __name__)

from app.courses import participant_views, staff_views  # noqa: E402,F401 - they add routes to bp
