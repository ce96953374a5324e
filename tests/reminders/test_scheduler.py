"""The scheduler as it runs in production: real processes, a real lock, a real SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import select, text

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email
from app.reminders.models import SchedulerJobRun, SchedulerLock
from app.reminders.scheduler import JOBSTORE_TABLE, SchedulerRunner
from tests.factories import make_user
from tests.waiting import wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def _drop_job_store():
    yield
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {JOBSTORE_TABLE}"))


def wait_for(condition, timeout=20.0):
    """Wait until `condition` holds, seeing other processes' commits on each try."""

    def fresh():
        db.session.rollback()  # see other processes' commits
        return condition()

    wait_until(fresh, timeout=timeout)


def queue_some(n: int, label: str) -> None:
    user = make_user("participant")
    for i in range(n):
        queue_email(
            to=f"{label}{i}@example.gov.uk", kind="password_reset", template="auth/password_reset",
            user=user, context={"link": "http://lms.test/x", "hours": 2},
        )
    db.session.commit()


def all_sent() -> bool:
    return set(db.session.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT}


def lock_holder() -> str | None:
    lock = db.session.get(SchedulerLock, "scheduler")
    return lock.holder if lock else None


def start_scheduler(app, smtp) -> subprocess.Popen:
    env = dict(
        os.environ,
        FLASK_APP="app",
        FLASK_CONFIG="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        SCHEDULER_LEASE_SECONDS="3",
        SCHEDULER_DELIVER_SECONDS="1",
        SCHEDULER_PLAN_SECONDS="2",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def test_two_schedulers_one_works_the_other_takes_over_when_it_is_killed(app, smtp):
    queue_some(4, "first")
    first = start_scheduler(app, smtp)
    second = None
    try:
        wait_for(lambda: lock_holder() is not None and f":{first.pid}:" in lock_holder())
        second = start_scheduler(app, smtp)
        wait_for(lambda: len(smtp.messages) == 4 and all_sent())
        assert f":{first.pid}:" in lock_holder()
        runs = db.session.get(SchedulerJobRun, "deliver_outbox")
        assert f":{first.pid}:" in runs.holder

        first.send_signal(signal.SIGKILL)
        first.wait()
        queue_some(3, "second")
        wait_for(lambda: f":{second.pid}:" in (lock_holder() or ""), timeout=15)
        wait_for(lambda: len(smtp.messages) == 7 and all_sent())
        time.sleep(2)  # give any duplicate time to show itself
        recipients = [m["To"] for m in smtp.messages]
        assert len(recipients) == len(set(recipients)) == 7
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


def test_a_scheduler_stopped_for_a_day_catches_up_once(app):
    app.config.update(SCHEDULER_LEASE_SECONDS=3, SCHEDULER_PLAN_SECONDS=3600, SCHEDULER_DELIVER_SECONDS=3600)
    runner = SchedulerRunner(app)
    try:
        assert runner.step()
        runner.stop()
        # As if the scheduler had stopped a day ago with both jobs about to run.
        store = SQLAlchemyJobStore(engine=db.engine, tablename=JOBSTORE_TABLE)
        store.start(None, "default")
        for job in store.get_all_jobs():
            job.next_run_time = datetime.now(UTC) - timedelta(days=1)
            store.update_job(job)

        runner = SchedulerRunner(app)
        assert runner.step()
        wait_for(lambda: (run := db.session.get(SchedulerJobRun, "plan_reminders")) is not None and run.finished_at)
        wait_for(lambda: (run := db.session.get(SchedulerJobRun, "deliver_outbox")) is not None and run.finished_at)
        db.session.rollback()
        assert db.session.get(SchedulerJobRun, "plan_reminders").run_count == 1
        assert db.session.get(SchedulerJobRun, "deliver_outbox").run_count == 1
    finally:
        runner.stop()
        app.config.update(SCHEDULER_LEASE_SECONDS=30, SCHEDULER_PLAN_SECONDS=300, SCHEDULER_DELIVER_SECONDS=30)
