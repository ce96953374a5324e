"""Accounts: signing in and out, invitations, password resets and changes."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
