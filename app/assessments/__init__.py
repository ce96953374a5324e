"""Assessments: quizzes marked automatically, assignments marked by facilitators, the gradebook."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)

from app.assessments import participant_views, staff_views  # noqa: E402,F401 - they add routes to bp
