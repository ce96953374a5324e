"""Fixtures: the app, a clean database per test, signed-in clients, an SMTP server."""

from __future__ import annotations

import os
import re

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app
from app.extensions import db, limiter
from app.kept import forget_all
from config import TestingConfig
from tests.factories import make_user
from tests.smtp import SmtpSink

pytest_plugins = ["tests.browser.fixtures"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL: most race real transactions, which SQLite
    cannot lose as it lets one writer in at a time; others check what PostgreSQL keeps."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file shared by threads."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class Client(FlaskClient):
    """A test client whose requests never see the previous request's signed-in user.

    Tests hold one app context open, which requests then share; Flask-Login caches the
    user on `g`, so without this a second client would inherit the first one's user.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        try:
            return super().open(*args, **kwargs)
        finally:
            g.pop("_login_user", None)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        STORAGE_DIR = str(instance / "storage")
        MAIL_FILE_DIR = str(instance / "mail")

    app = create_app(Config)
    app.test_client_class = Client
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Every test starts with empty tables, fresh rate limits and nothing kept (app/kept.py),
    inside an app context."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()
        forget_all()


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(client, user, password="correct-horse-battery"):
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, "sign-in failed"
    return client


@pytest.fixture
def login(app):
    """login(user) -> a test client signed in as that user."""

    def _login(user):
        return sign_in(app.test_client(), user)

    return _login


@pytest.fixture
def admin(app):
    return make_user("admin")


@pytest.fixture
def admin_client(login, admin):
    return login(admin)


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free local port; the app sends to it."""
    sink = SmtpSink()
    sink.start()
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_BACKEND"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_BACKEND="smtp")
    yield sink
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_BACKEND"] = old
    sink.stop()


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ... ; counter.count is the number of SQL statements."""

    class Counter:
        count = 0

    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = Counter()

        def before(*_args, **_kwargs):
            counter.count += 1

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
