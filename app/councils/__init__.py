"""Councils: the register of councils and their signatories, for the programme team."""

from flask import Blueprint

bp = Blueprint("councils", __name__, url_prefix="/admin/councils")
