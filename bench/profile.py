"""Profile one key page with pyinstrument: `python -m bench.profile URL "cohort dashboard"`.

Requests the page (as bench.pages does, by name) a few times in this process through Flask's
test client, then prints pyinstrument's call tree of the last request and the SQL it ran.
"""

from __future__ import annotations

import argparse

from pyinstrument import Profiler
from sqlalchemy import event

from app import create_app
from app.extensions import db
from bench.pages import LOGINS, PASSWORD, key_pages
from config import ProductionConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("page", help="a page's name in bench.pages, e.g. overview")
    parser.add_argument("--times", type=int, default=3)
    args = parser.parse_args(argv)

    class BenchConfig(ProductionConfig):
        SECRET_KEY = "bench-not-secret"
        RATELIMIT_STORAGE_URI = "memory://"

        @classmethod
        def check(cls) -> None:
            """A benchmark needs no secret."""
        SQLALCHEMY_DATABASE_URI = args.database_url
        SESSION_COOKIE_SECURE = False
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = False

    app = create_app(BenchConfig)
    _, who, path = next(page for page in key_pages(args.database_url) if page[0] == args.page)
    client = app.test_client()
    if who:
        client.post("/sign-in", data={"email": LOGINS[who], "password": PASSWORD})
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for _ in range(args.times - 1):
        assert client.get(path).status_code == 200
    statements.clear()
    profiler = Profiler(interval=0.0005)
    with profiler:
        assert client.get(path).status_code == 200
    print(profiler.output_text(unicode=True, show_all=False))
    print(f"{len(statements)} statements:")
    for statement in statements:
        print("  " + " ".join(statement.split())[:300])


if __name__ == "__main__":
    main()
