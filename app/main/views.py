"""The home page, the service's information pages and the health check."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import text

from app import access
from app.auth.models import Role
from app.extensions import db
from app.main import bp
from app.main.participant_home import participant_home
from app.timeutil import utcnow


@bp.get("/")
@access.signed_in
def home():
    """Each role's starting point; for a participant, what to do next."""
    next_steps = participant_home(current_user, utcnow()) if current_user.has_role(Role.PARTICIPANT) else None
    return render_template("main/home.html", roles=current_user.roles, next=next_steps)


@bp.get("/accessibility")
@access.public
def accessibility():
    """Accessibility statement."""
    return render_template("main/accessibility.html")


@bp.get("/privacy")
@access.public
def privacy():
    """Privacy notice."""
    return render_template("main/privacy.html")


@bp.get("/cookies")
@access.public
def cookies():
    """Cookies used by the service."""
    return render_template("main/cookies.html")


@bp.get("/healthz")
@access.public
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is the answer, not an error
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
