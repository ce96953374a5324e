"""The audit log of who did what, for the programme team."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
