"""Planning reminders and the certificate sweep: `python -m bench.scheduled URL_1X [URL_10X]`.

On each database (made by bench.generate) it times the reminder planner and the certificate
sweep, each rolled back afterwards so every run sees the same data, and counts how much was
due (reminders planned, certificates issued) and the SQL statements each ran. Then it starts
the real scheduler (`flask scheduler run`) for a while and reports its peak memory. With two
databases it prints how much each time grew.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from app import create_app
from app.certificates.completion import sweep
from app.extensions import db
from app.reminders.services import plan_reminders
from app.timeutil import utcnow
from config import DevelopmentConfig

ROOT = Path(__file__).resolve().parent.parent


def timed(work) -> tuple[float, object, int]:
    """Seconds taken, the result and the statements run, for `work` rolled back after."""
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        result = work()
    finally:
        seconds = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.rollback()
    return seconds, result, len(statements)


def scheduler_peak_mb(database_url: str, seconds: float, storage: str) -> float:
    """Run the scheduler for `seconds`; its peak resident memory (VmHWM) in MB."""
    env = dict(os.environ, DATABASE_URL=database_url, FLASK_APP="app", MAIL_BACKEND="file",
               STORAGE_DIR=storage, MAIL_FILE_DIR=storage)
    process = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "scheduler", "run"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    peak = 0.0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and process.poll() is None:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
    return peak


def measure(database_url: str, scheduler_seconds: float) -> dict[str, str | float]:
    storage = tempfile.mkdtemp(prefix="bench-scheduled-")

    class BenchConfig(DevelopmentConfig):
        DEBUG = False
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_BACKEND = "file"
        STORAGE_DIR = MAIL_FILE_DIR = storage

    app = create_app(BenchConfig)
    with app.app_context():
        now = utcnow()
        plan_seconds, planned, plan_statements = timed(lambda: plan_reminders(now))
        sweep_seconds, swept, sweep_statements = timed(sweep)
        db.engine.dispose()
    result = {
        "plan": plan_seconds, "plan detail": f"{sum(planned.values())} reminders, {plan_statements} statements",
        "sweep": sweep_seconds, "sweep detail": f"{swept['issued']} issued, {sweep_statements} statements",
    }
    if scheduler_seconds:
        result["scheduler MB"] = scheduler_peak_mb(database_url, scheduler_seconds, storage)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", help="the 1x database URL, then optionally the 10x one")
    parser.add_argument("--scheduler-seconds", type=float, default=40,
                        help="how long to run the real scheduler for its memory (0: not at all)")
    args = parser.parse_args(argv)
    runs = []
    for url in args.databases:
        runs.append(measure(url, args.scheduler_seconds))
        run = runs[-1]
        print(f"{url.rsplit('/', 1)[-1]}: plan {run['plan']:.2f} s ({run['plan detail']}), "
              f"sweep {run['sweep']:.2f} s ({run['sweep detail']})"
              + (f", scheduler peak {run['scheduler MB']:.0f} MB" if "scheduler MB" in run else ""))
    if len(runs) > 1:
        print(f"10x / 1x: plan {runs[1]['plan'] / runs[0]['plan']:.2f}x, sweep {runs[1]['sweep'] / runs[0]['sweep']:.2f}x",
              file=sys.stdout)


if __name__ == "__main__":
    main()
