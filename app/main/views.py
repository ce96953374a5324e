"""The home page, the service's information pages and the health check."""

from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import text

from app import access
from app.auth.models import Role
from app.cohorts.sessions import registers_to_take
from app.extensions import db, limiter
from app.main import bp
from app.main.participant_home import participant_home
from app.timeutil import utcnow

@bp.app_context_processor
def contact():
    """The programme team's address, for every page that says how to reach them."""
    return {"contact_email": current_app.config["CONTACT_EMAIL"]}


@bp.get("/")
@access.public
def home():
    """The start page for someone not signed in; each role's starting point for everyone else
    (for a participant, what to do next)."""
    if not current_user.is_authenticated:
        return render_template("main/start.html")
    registers = registers_to_take(facilitator=current_user) if current_user.has_role(Role.FACILITATOR) else []
    next_steps = participant_home(current_user, utcnow()) if current_user.has_role(Role.PARTICIPANT) else None
    return render_template("main/home.html", roles=current_user.roles, registers=registers, next=next_steps)


@bp.get("/help")
@access.public
def help_page():
    """Help and contact: who to ask about what."""
    return render_template("main/help.html")


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
    """200 when the database answers, 503 when it does not; says whether Redis answers.

    Without Redis the service still works (limits are counted in each process's memory),
    so an unavailable Redis is reported but keeps the 200.
    """
    redis = _redis_status()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is the answer, not an error
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable", "redis": redis}, 503
    return {"status": "ok", "database": "ok", "redis": redis}


def _redis_status() -> str:
    """"ok" or "unavailable" for the Redis that holds the rate limits; "not used" without one."""
    if not current_app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        return "not used"
    return "ok" if limiter.storage.check() else "unavailable"
