"""A mail relay that never finishes answering must not hold up the rest of the scheduler."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from app.extensions import db
from app.reminders import jobs
from app.reminders.models import SchedulerJobRun
from app.reminders.scheduler import JOBSTORE_TABLE, SchedulerRunner
from tests.mail.test_delivery import queue
from tests.smtp import HostileRelay
from tests.waiting import wait_until

FAST = {"SCHEDULER_LEASE_SECONDS": 3, "SCHEDULER_PLAN_SECONDS": 1, "SCHEDULER_DELIVER_SECONDS": 1,
        "SCHEDULER_SWEEP_SECONDS": 1, "MAIL_SEND_SECONDS": 60, "MAIL_RUN_SECONDS": 60,
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1"}


@pytest.fixture
def tarpit(app):
    """A relay answering one line a second for ever, with the scheduler set to run every second."""
    with HostileRelay(delay=1, reply_lines=10_000) as relay:
        old = {key: app.config[key] for key in [*FAST, "MAIL_PORT", "SCHEDULER_STUCK_SECONDS"]}
        app.config.update(FAST, MAIL_PORT=relay.port)
        yield relay
        app.config.update(old)
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {JOBSTORE_TABLE}"))


def runs(job_id: str) -> int:
    db.session.rollback()  # see the scheduler's commits
    run = db.session.get(SchedulerJobRun, job_id)
    return run.run_count if run else 0


def start(runner: SchedulerRunner) -> threading.Thread:
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    return thread


def test_planning_and_the_sweep_keep_time_while_delivery_waits_on_the_relay(app, tarpit):
    queue()
    db.session.commit()
    runner = SchedulerRunner(app)
    thread = start(runner)
    try:
        wait_until(lambda: "deliver_outbox" in jobs.running, 10, what="delivery is talking to the tarpit")
        plans, sweeps = runs("plan_reminders"), runs("issue_certificates")
        wait_until(lambda: runs("plan_reminders") >= plans + 2 and runs("issue_certificates") >= sweeps + 2,
                   10, what="planning and the sweep have each run twice more")
        assert "deliver_outbox" in jobs.running  # still stuck on the relay all the while
    finally:
        started = time.monotonic()
        runner.stopping.set()
        thread.join(timeout=10)
        stopped_in = time.monotonic() - started
    assert not thread.is_alive() and stopped_in < 6
    assert jobs.running == {}  # the delivery was cut short, not left behind


def test_a_holder_whose_job_is_stuck_gives_the_lock_up(app, tarpit):
    app.config["SCHEDULER_STUCK_SECONDS"] = 2
    queue()
    db.session.commit()
    runner = SchedulerRunner(app)
    thread = start(runner)
    try:
        wait_until(lambda: "deliver_outbox" in jobs.running, 10, what="delivery is stuck on the tarpit")
        # The stuck run is stopped and the lock freed, well within the lease.
        wait_until(lambda: "deliver_outbox" not in jobs.running, 5, what="the stuck delivery is stopped")
        # A standby asking every moment gets the lock before the old holder asks again.
        standby = SchedulerRunner(app)
        with app.app_context():
            wait_until(standby.lock.acquire, 5, what="a standby takes the lock")
            standby.lock.release()
    finally:
        runner.stopping.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
