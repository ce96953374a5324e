"""Migrations build the same schema as the models, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.command import check, downgrade, upgrade
from flask_migrate import Migrate  # noqa: F401 - keeps the extension's config object importable
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import migrate
from config import TestingConfig


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    base = make_url(url)
    name = f"{base.database}_migrations"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_downgrade_upgrade_and_no_drift(empty_database_url):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(Config)
    with app.app_context():
        config = migrate.get_config()
        upgrade(config, "head")
        downgrade(config, "base")
        engine = app.extensions["sqlalchemy"].engine
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(config, "head")
        check(config)  # raises if the models and migrations differ
        assert "user" in inspect(engine).get_table_names()
        engine.dispose()
