"""Benchmark: import a register of 100,000 councils, then import it again unchanged.

    .venv/bin/python bench/councils_import.py                      # a new SQLite file
    .venv/bin/python bench/councils_import.py postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench

The goal is under 10 s for each import on both databases. Everything runs in one
transaction that is rolled back at the end, so a database given here is left as it was
(its tables are created if they are missing).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.councils.services import import_councils  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402

ROWS = 100_000
GOAL_SECONDS = 10.0
KINDS = ("District", "Unitary", "London borough", "Metropolitan", "County")


def register(rows: int) -> bytes:
    """A register CSV of `rows` councils, a third of them not yet signed."""
    lines = ["name,gss_code,kind,signed_on"]
    for n in range(rows):
        signed = "" if n % 3 == 0 else f"{2018 + n % 7}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        lines.append(f"Council number {n},{'ENSW'[n % 4]}{n:08d},{KINDS[n % 5]},{signed}")
    return ("\n".join(lines) + "\n").encode()


def timed(label: str, data: bytes) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    report = import_councils(data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.ok, report.problems[:3]
    print(
        f"  {label}: {seconds:.2f} s ({cpu:.2f} s of it this process's CPU; {report.created} added, "
        f"{report.updated} updated, {report.unchanged} unchanged)"
    )
    return seconds


def main(url: str) -> int:
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    data = register(ROWS)
    with app.app_context():
        db.create_all()
        print(f"{db.engine.dialect.name}, {ROWS:,} rows ({len(data) / 1e6:.1f} MB):")
        try:
            worst = max(timed("first import", data), timed("imported again", data))
        finally:
            db.session.rollback()
    verdict = "within" if worst < GOAL_SECONDS else "OVER"
    print(f"  {verdict} the goal of {GOAL_SECONDS:.0f} s")
    return 0 if worst < GOAL_SECONDS else 1


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(main(sys.argv[1]))
    with tempfile.TemporaryDirectory() as folder:
        sys.exit(main(f"sqlite:///{folder}/bench.sqlite3"))
