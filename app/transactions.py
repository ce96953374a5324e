"""A transaction that only read ends with a commit, not a rollback, so that psycopg keeps the
statements it has prepared on the connection.

psycopg prepares a statement on a connection once it has run it a few times
(`prepare_threshold`, 5), so that PostgreSQL plans it once rather than every time: planning a
page's queries cost it as much as running them. But psycopg drops every prepared statement
when a transaction is rolled back (it cannot know what the rollback undid), and every request
that only reads ends in a rollback, when Flask-SQLAlchemy closes its session. A transaction in
which nothing but SELECTs ran has changed nothing, so committing it is the same as rolling it
back; such a transaction is committed just before it would be rolled back, and the rollback
then finds nothing to do. (PostgreSQL rolls back a transaction that a failed statement
aborted, even when asked to commit it.) Any other transaction is rolled back, as before.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, event

#: Whether the connection's transaction may have written: in the connection's `info`.
MAY_HAVE_WRITTEN = "transactions.may_have_written"
_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)


def _reads_only(statement: str, context) -> bool:
    """Whether a statement can only read: a select() (with no WITH query that writes), or SQL
    given as text that is one SELECT."""
    if context.is_crud or context.isddl:
        return False
    if context.is_text or context.compiled is None:
        return bool(_SELECT.match(statement)) and ";" not in statement
    return not any(cte.element.is_dml for cte in context.compiled.ctes or ())


def _begun(connection) -> None:
    connection.info[MAY_HAVE_WRITTEN] = False


def _executing(connection, cursor, statement, parameters, context, executemany) -> None:
    if not _reads_only(statement, context):
        connection.info[MAY_HAVE_WRITTEN] = True


def _rolling_back(connection) -> None:
    if not connection.info.get(MAY_HAVE_WRITTEN, True):
        try:
            connection.dialect.do_commit(connection.connection)
        except connection.dialect.loaded_dbapi.Error:
            pass  # the rollback that follows deals with a connection that has gone


def install(engine: Engine) -> None:
    """Commit `engine`'s transactions that only read instead of rolling them back: for psycopg only."""
    if engine.dialect.driver != "psycopg":
        return
    event.listen(engine, "begin", _begun)
    event.listen(engine, "before_cursor_execute", _executing)
    event.listen(engine, "rollback", _rolling_back)
