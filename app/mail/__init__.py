"""Email: the outbox, delivering it to the mail server, and the admin's outbox pages."""

from flask import Blueprint

bp = Blueprint("mail", __name__)
