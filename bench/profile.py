"""Profile one key page with pyinstrument: `python -m bench.profile URL "cohort dashboard"`.

Requests the page (as bench.pages does, by name) a few times in this process through Flask's
test client, then prints pyinstrument's call tree of the last request and the SQL it ran, each
statement with how long the database took to answer it.
"""

from __future__ import annotations

import argparse
import time

from pyinstrument import Profiler
from sqlalchemy import event

from app import create_app
from app.extensions import db
from bench.pages import LOGINS, PASSWORD, key_pages
from config import ProductionConfig


def bench_app(database_url: str):
    """The application with production settings on `database_url`, for a test client in this
    process: no secret, no forms' CSRF tokens, no rate limits and cookies over plain HTTP."""

    class BenchConfig(ProductionConfig):
        SECRET_KEY = "bench-not-secret"
        RATELIMIT_STORAGE_URI = "memory://"

        @classmethod
        def check(cls) -> None:
            """A benchmark needs no secret."""
        SQLALCHEMY_DATABASE_URI = database_url
        SESSION_COOKIE_SECURE = False
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("page", help="a page's name in bench.pages, e.g. overview")
    parser.add_argument("--times", type=int, default=3)
    parser.add_argument("--explain", type=float, metavar="MS",
                        help="also print PostgreSQL's plan, as run, of each statement slower than MS")
    args = parser.parse_args(argv)

    app = bench_app(args.database_url)
    _, who, path = next(page for page in key_pages(args.database_url) if page[0] == args.page)
    client = app.test_client()
    if who:
        client.post("/sign-in", data={"email": LOGINS[who], "password": PASSWORD})
    statements: list[list] = []  # [SQL, seconds, parameters]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append([a[2], time.perf_counter(), a[3]]))
        event.listen(db.engine, "after_cursor_execute",
                     lambda *a: statements[-1].__setitem__(1, time.perf_counter() - statements[-1][1]))
    for _ in range(args.times - 1):
        assert client.get(path).status_code == 200
    statements.clear()
    profiler = Profiler(interval=0.0005)
    with profiler:
        assert client.get(path).status_code == 200
    print(profiler.output_text(unicode=True, show_all=False))
    print(f"{len(statements)} statements:")
    for statement, seconds, _ in statements:
        print(f"  {seconds * 1000:6.1f} ms  " + " ".join(statement.split())[:300])
    if args.explain is not None:
        explain([(sql, parameters) for sql, seconds, parameters in statements if seconds * 1000 > args.explain],
                app)


def explain(statements: list[tuple[str, object]], app) -> None:
    """EXPLAIN ANALYZE each statement with its parameters, in a transaction rolled back."""
    with app.app_context(), db.engine.connect() as connection:
        cursor = connection.connection.cursor()
        for sql, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters)
            print("\n" + " ".join(sql.split())[:200])
            print("\n".join("    " + row[0] for row in cursor.fetchall()))
        connection.rollback()


if __name__ == "__main__":
    main()
