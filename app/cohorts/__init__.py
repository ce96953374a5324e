"""Cohorts: groups of participants working through a course together, their sessions and attendance."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from app.cohorts import participant_views, staff_views  # noqa: E402,F401 - they add routes to bp
