"""The Digital Leadership Programme's learning management system: the application factory."""

from __future__ import annotations

import os
import secrets
from importlib import import_module
from pathlib import Path

from flask import Flask, g, render_template, request, send_from_directory
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from govuk_frontend_wtf.main import WTFormsHelpers

from app import access, csrf_tokens, params, transactions
from app.auth import sessions as _sessions  # noqa: F401  (Flask-Login's user loader)
from app.cli import register as register_cli
from app.extensions import csrf, db, limiter, login_manager, migrate
from app.forms import wtforms_errors
from app.govuk import Environment, govuk_tag, pagination, pagination_link
from app.navigation import navigation_for
from app.timeutil import format_date, format_datetime, format_when
from app.urls import links_choosing, links_to
from app.wording import plural

# Every model, so that metadata, migrations and relationships see them all.
from app.assessments import models as _assessments  # noqa: F401
from app.audit import models as _audit  # noqa: F401
from app.certificates import models as _certificates  # noqa: F401
from app.cohorts import models as _cohorts  # noqa: F401
from app.councils import models as _councils  # noqa: F401
from app.courses import models as _courses  # noqa: F401
from app.intakes import models as _intakes  # noqa: F401
from app.mail import models as _mail  # noqa: F401
from app.reminders import models as _reminders  # noqa: F401
from app.reports import models as _reports  # noqa: F401
from config import CONFIGS, Config


def create_app(config: type[Config] | str | None = None) -> Flask:
    """Build the application: configuration, extensions, templates, blueprints, errors."""
    app = Flask(__name__, instance_relative_config=False)
    app.jinja_environment = Environment
    load_config(app, config)
    trust_proxies(app)
    init_extensions(app)
    init_jinja(app)
    register_blueprints(app)
    connect_signals()
    register_security_headers(app)
    register_error_handlers(app)
    register_commands(app)
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


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from them."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        transactions.install(db.engine)
    migrate.init_app(app, db)
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    access.init_app(app)
    params.init_app(app)


def init_jinja(app: Flask) -> None:
    """GOV.UK Frontend macros, our filters and the globals every page uses."""
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
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.globals["navigation_for"] = navigation_for
    app.jinja_env.globals["links_to"] = links_to
    app.jinja_env.globals["links_choosing"] = links_choosing
    app.jinja_env.globals["service_name"] = app.config["SERVICE_NAME"]
    WTFormsHelpers(app)
    app.jinja_env.globals["wtforms_errors"] = wtforms_errors  # ours: a date's error links to its day box
    # The GOV.UK macros our templates call, loaded once: a template's `{% from ... import %}`
    # runs again on every render, which cost a simple page a sixth of its time.
    for component, name in GOVUK_MACROS:
        module = app.jinja_env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html").module
        app.jinja_env.globals[name] = getattr(module, name)
    app.jinja_env.globals["govuk_frontend_table"] = app.jinja_env.globals.pop("govukTable")  # base.html wraps it
    app.jinja_env.globals["govukTag"] = govuk_tag
    app.jinja_env.globals["pagination"] = pagination
    app.jinja_env.globals["pagination_link"] = pagination_link


#: (component folder, macro) of each GOV.UK Frontend macro our templates use, as globals.
GOVUK_MACROS = (
    ("back-link", "govukBackLink"),
    ("button", "govukButton"),
    ("details", "govukDetails"),
    ("error-summary", "govukErrorSummary"),
    ("input", "govukInput"),
    ("inset-text", "govukInsetText"),
    ("notification-banner", "govukNotificationBanner"),
    ("panel", "govukPanel"),
    ("radios", "govukRadios"),
    ("summary-list", "govukSummaryList"),
    ("table", "govukTable"),
    ("task-list", "govukTaskList"),
    ("warning-text", "govukWarningText"),
)


# Each domain package's blueprint (in its __init__.py) and the view modules that add its routes.
BLUEPRINTS = (
    ("main", ("views",)),  # the home page, information pages, the health check
    ("auth", ("views", "admin_views")),  # signing in, invitations, passwords, people
    ("councils", ("views",)),  # the councils register
    ("courses", ("participant_views", "staff_views")),  # courses as content: importing, previewing, reading
    ("intakes", ("lead_views", "admin_views")),  # intakes, nominations and the programme team's decisions
    ("cohorts", ("participant_views", "staff_views")),  # cohorts, live sessions, registers, calendars
    ("assessments", ("participant_views", "staff_views")),  # quizzes, assignments, marking, gradebooks
    ("certificates", ("views", "admin_views")),  # completion, certificates and their verification
    ("reports", ("admin_views", "lead_views", "staff_views")),  # dashboards and exports
    ("reminders", ("views", "admin_views")),  # reminder preferences and the scheduler page
    ("mail", ("views",)),  # the outbox
    ("audit", ("views",)),  # the audit log
)


def register_blueprints(app: Flask) -> None:
    """Load each package's views onto its blueprint, then register the blueprints in order."""
    for package, view_modules in BLUEPRINTS:
        for module in view_modules:
            import_module(f"app.{package}.{module}")
        app.register_blueprint(import_module(f"app.{package}").bp)

    govuk_assets = Path(app.static_folder) / "govuk" / "assets"

    @app.get("/assets/<path:filename>", endpoint="govuk_assets")
    def assets(filename):
        """GOV.UK Frontend's images, where its stylesheet expects them."""
        return send_from_directory(govuk_assets, filename)


def connect_signals() -> None:
    """Modules that listen to `app.signals`, or to the ORM's events, connect their receivers
    when they are imported."""
    import_module("app.certificates.completion")  # issues a certificate on progress_recorded
    import_module("app.intakes.tally")  # counts nominations as each flush changes them
    import_module("app.cohorts.changes")  # notes which cohorts each flush changed


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
        # Nothing shown to a signed-in person (pages, CSV exports) stays in a browser's or
        # proxy's cache for the next person at that computer; a view that chose private caching
        # for something shared by everyone on a course (a lesson's image) keeps it.
        if (request.endpoint not in access.UNDECLARED_OK and current_user.is_authenticated
                and not response.cache_control.private):
            response.headers["Cache-Control"] = "no-store"
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
    register_cli(app)
