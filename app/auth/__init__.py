"""Accounts: signing in and out, invitations, password resets and changes."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import admin_views, views  # noqa: E402,F401 - they add routes to bp
