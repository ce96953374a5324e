"""The reports blueprint; its views are split by audience across three modules."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from app.reports import admin_views, facilitator_views, lead_views  # noqa: E402,F401 - they add routes to bp
