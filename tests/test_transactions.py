"""A transaction that only read is committed rather than rolled back, so that PostgreSQL keeps
the statements psycopg prepared (app/transactions.py); anything that wrote is rolled back."""

import contextvars

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import DBAPIError

from app.councils.models import Council
from app.extensions import db
from tests.factories import make_council


def on_its_own(app, work):
    """work()'s result, run as a request or a job runs: in an app context of its own, whose
    end closes its session (the tests' own app context spans the whole test)."""

    def run():
        with app.app_context():
            return work()

    return contextvars.Context().run(run)


@pytest.mark.postgres
def test_requests_that_only_read_keep_their_prepared_statements(app):
    council = make_council("Adur")
    db.session.commit()
    statement = select(Council.name).where(Council.id == bindparam("id"))

    def read_then_look():
        assert db.session.execute(statement, {"id": council.id}).scalar_one() == "Adur"
        return db.session.scalar(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT council.name %'"))

    # The pool hands out its connections in turn: each prepares the statement on its sixth run.
    assert any(on_its_own(app, read_then_look) for _ in range(6 * (db.engine.pool.size() + 2)))


def test_a_request_that_wrote_without_committing_leaves_nothing_behind(app):
    council = make_council("Adur")
    db.session.commit()

    def write():
        make_council("Never kept")
        db.session.execute(text("UPDATE council SET name = 'Renamed' WHERE id = :id"), {"id": council.id})
        return db.session.scalar(select(Council.name).where(Council.id == council.id))

    assert on_its_own(app, write) == "Renamed"
    db.session.expire_all()
    assert db.session.scalars(select(Council.name)).all() == ["Adur"]


def test_a_read_that_failed_is_rolled_back_and_the_next_request_reads(app):
    make_council("Adur")
    db.session.commit()

    def fail():
        with pytest.raises(DBAPIError, match="no_such_column"):
            db.session.execute(text("SELECT no_such_column FROM council"))

    on_its_own(app, fail)
    assert on_its_own(app, lambda: db.session.scalars(select(Council.name)).all()) == ["Adur"]
