"""The scheduled jobs: thin wrappers that run a service in the app and record the run."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from flask import Flask

from app.auth.services import send_requested_resets
from app.certificates.completion import sweep
from app.cohorts.changes import compact
from app.extensions import db
from app.mail.delivery import deliver_pending
from app.reminders.models import SchedulerJobRun
from app.reminders.services import plan_reminders
from app.reports.snapshots import count_all
from app.timeutil import utcnow

log = logging.getLogger(__name__)

#: The application and lock holder the jobs run for, set when this process takes the lock.
_app: Flask | None = None
_holder: str = ""
#: Set when this process must stop working at once: it lost the lock, or is shutting down.
stopping = threading.Event()
#: The jobs running now, each with the time.monotonic() it started: how a stuck one is seen.
running: dict[str, float] = {}


def bind(app: Flask, holder: str) -> None:
    global _app, _holder
    _app, _holder = app, holder
    stopping.clear()


def _run(job_id: str, work: Callable[[], dict]) -> None:
    running[job_id] = time.monotonic()
    try:
        _record(job_id, work)
    finally:
        running.pop(job_id, None)


def _record(job_id: str, work: Callable[[], dict]) -> None:
    with _app.app_context():
        run = db.session.get(SchedulerJobRun, job_id) or SchedulerJobRun(job_id=job_id, run_count=0)
        run.started_at, run.finished_at, run.holder = utcnow(), None, _holder
        db.session.add(run)
        db.session.commit()
        try:
            counts = work()
            db.session.commit()
            outcome = "ok: " + ", ".join(f"{n} {what}" for what, n in counts.items())
        except Exception as error:  # a failed run is recorded and retried next time
            db.session.rollback()
            log.exception("job %s failed", job_id)
            outcome = f"failed: {error}"
        run = db.session.get(SchedulerJobRun, job_id)
        run.finished_at, run.outcome = utcnow(), outcome
        run.run_count += 1
        db.session.commit()


def plan() -> None:
    """Plan every reminder now due into the outbox."""
    _run("plan_reminders", lambda: plan_reminders(utcnow()))


def deliver() -> None:
    """Queue the reset links asked for, then send what is due in the outbox."""
    _run("deliver_outbox", _resets_then_outbox)


def _resets_then_outbox() -> dict:
    counts = send_requested_resets()
    db.session.commit()
    return counts | deliver_pending(stop=stopping)


def issue_certificates() -> None:
    """Issue any certificate earned but not yet issued."""
    _run("issue_certificates", sweep)


def count_reports() -> None:
    """Count the report pages' figures again."""
    _run("count_reports", lambda: count_all(utcnow()))


def compact_changes() -> None:
    """Fold away cohorts' changes older than an hour, but each cohort's newest."""
    _run("compact_cohort_changes", lambda: compact(utcnow()))
