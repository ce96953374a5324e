"""The home page, the service's information pages and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import views  # noqa: E402,F401 - they add routes to bp
