"""Email: the outbox, delivering it to the mail server, and the admin's outbox pages."""

from flask import Blueprint

bp = Blueprint("mail", __name__)

from app.mail import views  # noqa: E402,F401 - they add routes to bp
