"""The assessments blueprint; its views are split by audience across two modules."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)

from app.assessments import learner_views, staff_views  # noqa: E402,F401 - they add routes to bp
