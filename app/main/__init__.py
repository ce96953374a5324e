"""The home page, the service's information pages and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)
