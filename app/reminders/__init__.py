"""Reminder emails: planning them, people's choices, unsubscribe links and the scheduler."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)
