"""The scheduler process: waits for the lock, then runs the recurring jobs.

Jobs live in a persistent job store, so a job that fell due while no scheduler ran is
run once on start (coalesced), however long the gap. Every process may run this; only the
lock holder runs jobs, and a waiting process takes over when the holder dies.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from app.extensions import db
from app.reminders import jobs
from app.reminders.lock import scheduler_lock

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"


@dataclass(frozen=True)
class JobSpec:
    id: str
    #: An importable "module:function", as a persistent job store requires.
    func: str
    seconds: int


def job_specs(app: Flask) -> list[JobSpec]:
    config = app.config
    return [
        JobSpec("plan_reminders", "app.reminders.jobs:plan", config["SCHEDULER_PLAN_SECONDS"]),
        JobSpec("deliver_outbox", "app.reminders.jobs:deliver", config["SCHEDULER_DELIVER_SECONDS"]),
        JobSpec("issue_certificates", "app.reminders.jobs:issue_certificates", config["SCHEDULER_SWEEP_SECONDS"]),
        JobSpec("count_reports", "app.reminders.jobs:count_reports", config["SCHEDULER_REPORTS_SECONDS"]),
        JobSpec("compact_cohort_changes", "app.reminders.jobs:compact_changes", config["SCHEDULER_COMPACT_SECONDS"]),
    ]


def make_scheduler(app: Flask) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename=JOBSTORE_TABLE)},
        # A thread for each job: a slow mail relay delays email, never planning or the sweep.
        executors={"default": ThreadPoolExecutor(max_workers=1)}
        | {spec.id: ThreadPoolExecutor(max_workers=1) for spec in job_specs(app)},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone="UTC",
    )


def install_jobs(scheduler: BackgroundScheduler, app: Flask) -> None:
    """Add missing jobs; keep each existing job's next run time so missed runs catch up."""
    for spec in job_specs(app):
        trigger = IntervalTrigger(seconds=spec.seconds)
        existing = scheduler.get_job(spec.id)
        if existing is None:
            scheduler.add_job(spec.func, trigger, id=spec.id, name=spec.id, executor=spec.id)
        elif (existing.trigger.interval, existing.func_ref, existing.executor) != (trigger.interval, spec.func, spec.id):
            scheduler.modify_job(spec.id, func=spec.func, trigger=trigger, executor=spec.id)


class SchedulerRunner:
    """Hold the lock and run jobs while holding it; wait and retry while not."""

    def __init__(self, app: Flask):
        self.app = app
        lease = timedelta(seconds=app.config["SCHEDULER_LEASE_SECONDS"])
        with app.app_context():
            self.lock = scheduler_lock(db.engine, lease)
        self.poll = max(lease.total_seconds() / 3, 0.2)
        self.stuck_after = app.config["SCHEDULER_STUCK_SECONDS"]
        self.scheduler: BackgroundScheduler | None = None
        self.stopping = threading.Event()

    @property
    def holder(self) -> str:
        return self.lock.holder

    def step(self) -> bool:
        """Take or renew the lock, starting or stopping the jobs to match; True if holding."""
        with self.app.app_context():
            stuck = self._stuck_job()
            if stuck is not None:  # a process that cannot run its jobs leaves them to another
                if self.scheduler is not None:
                    log.error("%s: job %s has run for over %s s: giving the lock up", self.holder, stuck,
                              self.stuck_after)
                    self._stop_jobs()
                    self.lock.release()
                return False
            holding = self.lock.acquire()
            if holding and self.scheduler is None:
                log.info("%s holds the scheduler lock: running jobs", self.holder)
                jobs.bind(self.app, self.holder)
                self.scheduler = make_scheduler(self.app)
                self.scheduler.start(paused=True)
                install_jobs(self.scheduler, self.app)
                self.scheduler.resume()
            elif not holding and self.scheduler is not None:
                log.warning("%s lost the scheduler lock: stopping jobs", self.holder)
                self._stop_jobs()
        return holding

    def _stuck_job(self) -> str | None:
        now = time.monotonic()
        return next((job for job, started in list(jobs.running.items()) if now - started > self.stuck_after), None)

    def _stop_jobs(self, wait: float = 0.0) -> None:
        """Stop the scheduler and tell running jobs to stop now; wait up to `wait` seconds."""
        jobs.stopping.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        deadline = time.monotonic() + wait
        while jobs.running and time.monotonic() < deadline:
            time.sleep(0.05)

    def run(self) -> None:
        while not self.stopping.is_set():
            self.step()
            self.stopping.wait(self.poll)
        self.stop()

    def stop(self) -> None:
        """Stop within a few seconds, even with a job in the middle of something slow."""
        self.stopping.set()
        self._stop_jobs(wait=5)
        with self.app.app_context():
            self.lock.release()


def run_forever(app: Flask) -> None:
    """`flask scheduler run`: until SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    runner = SchedulerRunner(app)
    signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
    log.info("%s waiting for the scheduler lock", runner.holder)
    try:
        runner.run()
    except KeyboardInterrupt:
        runner.stop()
