"""Certificates: issuing them when a participant completes, verifying, downloading, revoking."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
