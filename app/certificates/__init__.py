"""Certificates: issuing them when a participant completes, verifying, downloading, revoking."""

from flask import Blueprint

from app.certificates import markup

bp = Blueprint("certificates", __name__)
bp.add_app_template_global(markup.checklist, "checklist")
