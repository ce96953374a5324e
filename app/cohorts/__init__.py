"""Cohorts: groups of participants working through a course together, their sessions and attendance."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
