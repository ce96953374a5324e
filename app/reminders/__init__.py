"""Reminder emails: planning them, people's choices, unsubscribe links and the scheduler."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)

from app.reminders import admin_views, views  # noqa: E402,F401 - they add routes to bp
