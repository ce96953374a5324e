"""The cohorts blueprint; its views are split by audience across three modules."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from app.cohorts import learner_views, session_views, views  # noqa: E402,F401 - they add routes to bp
