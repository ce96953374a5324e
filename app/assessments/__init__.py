"""Assessments: quizzes marked automatically, assignments marked by facilitators, the gradebook."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)
