"""Courses as content: checked and imported from files, versioned, previewed by staff, read by participants."""

from flask import Blueprint

bp = Blueprint("courses", __name__)
