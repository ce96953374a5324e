"""The Digital Leadership Programme's learning management system.

The factory's steps import the application's own modules inside themselves: those modules
import `app` (access, extensions), so they can only load once this package has.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, g, render_template, send_from_directory
from flask_wtf.csrf import CSRFError
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from govuk_frontend_wtf.main import WTFormsHelpers

from app import access
from app.extensions import csrf, db, limiter, login_manager, migrate
from config import CONFIGS, Config


def create_app(config: type[Config] | str | None = None) -> Flask:
    """Build the application: configuration, extensions, templates, blueprints, errors."""
    app = Flask(__name__, instance_relative_config=False)
    load_config(app, config)
    init_extensions(app)
    init_jinja(app)
    register_blueprints(app)
    register_security_headers(app)
    register_error_handlers(app)
    register_commands(app)
    import_models()
    return app


def load_config(app: Flask, config: type[Config] | str | None) -> None:
    """Pick the configuration class: an argument, else FLASK_CONFIG, else development."""
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("FLASK_CONFIG", "development")]
    if hasattr(config, "check"):
        config.check()
    app.config.from_object(config)
    for folder in ("STORAGE_DIR", "MAIL_FILE_DIR"):
        Path(app.config[folder]).mkdir(parents=True, exist_ok=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    access.init_app(app)

    from app.auth.models import User  # inside: see the module docstring

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))


def init_jinja(app: Flask) -> None:
    """GOV.UK Frontend macros, our filters and the globals every page uses."""
    from app.navigation import navigation_for  # inside, as every import of our own here
    from app.timeutil import format_date, format_datetime
    from app.urls import url_for_page

    # A page's template sits beside its view, in `app/<package>/templates/<package>/`; the
    # shared layout and macros in `app/templates/`.
    root = Path(app.root_path)
    folders = [str(folder) for folder in sorted(root.glob("*/templates"))] + [str(root / "templates")]
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(folders),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.globals["navigation_for"] = navigation_for
    app.jinja_env.globals["url_for_page"] = url_for_page
    app.jinja_env.globals["service_name"] = app.config["SERVICE_NAME"]
    WTFormsHelpers(app)


def register_blueprints(app: Flask) -> None:
    """Each domain package's one blueprint (a package's __init__.py holds it)."""
    from app.assessments import bp as assessments_bp
    from app.audit import bp as audit_bp
    from app.auth import bp as auth_bp
    from app.certificates import bp as certificates_bp
    from app.cohorts import bp as cohorts_bp
    from app.councils import bp as councils_bp
    from app.courses import bp as courses_bp
    from app.intakes import bp as intakes_bp
    from app.mail import bp as mail_bp
    from app.main import bp as main_bp
    from app.reminders import bp as reminders_bp
    from app.reports import bp as reports_bp

    for blueprint in (
        main_bp,  # the home page, information pages, the health check
        auth_bp,  # signing in, invitations, passwords, people
        councils_bp,  # the councils register
        courses_bp,  # courses as content: importing, previewing, reading
        intakes_bp,  # intakes, nominations and the programme team's decisions
        cohorts_bp,  # cohorts, live sessions, registers, calendars
        assessments_bp,  # quizzes, assignments, marking, gradebooks
        certificates_bp,  # completion, certificates and their verification
        reports_bp,  # dashboards and exports
        reminders_bp,  # reminder preferences and the scheduler page
        mail_bp,  # the outbox
        audit_bp,  # the audit log
    ):
        app.register_blueprint(blueprint)

    govuk_assets = Path(app.static_folder) / "govuk" / "assets"

    @app.get("/assets/<path:filename>", endpoint="govuk_assets")
    def assets(filename):
        """GOV.UK Frontend's images, where its stylesheet expects them."""
        return send_from_directory(govuk_assets, filename)


def register_security_headers(app: Flask) -> None:
    """A strict Content Security Policy: scripts only from us, or inline with this nonce."""

    @app.before_request
    def make_nonce():
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def nonce():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config["HSTS"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


def register_error_handlers(app: Flask) -> None:
    """A GOV.UK page for each error; the request's half-done work is rolled back first."""

    def page(template: str, status: int):
        def handler(error):
            db.session.rollback()
            return render_template(template, error=error), status

        return handler

    app.register_error_handler(400, page("errors/400.html", 400))
    app.register_error_handler(CSRFError, page("errors/csrf.html", 400))
    app.register_error_handler(404, page("errors/404.html", 404))
    app.register_error_handler(405, page("errors/404.html", 404))
    app.register_error_handler(413, page("errors/413.html", 413))
    app.register_error_handler(429, page("errors/429.html", 429))
    app.register_error_handler(500, page("errors/500.html", 500))


def register_commands(app: Flask) -> None:
    from app.cli import register  # inside: the commands import every domain

    register(app)


def import_models() -> None:
    """Import every model so that metadata, migrations and relationships see them all."""
    from app.assessments import models as _assessments  # noqa: F401
    from app.audit import models as _audit  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.certificates import models as _certificates  # noqa: F401
    from app.cohorts import models as _cohorts  # noqa: F401
    from app.councils import models as _councils  # noqa: F401
    from app.courses import models as _courses  # noqa: F401
    from app.intakes import models as _intakes  # noqa: F401
    from app.mail import models as _mail  # noqa: F401
    from app.reminders import models as _reminders  # noqa: F401
