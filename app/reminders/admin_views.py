"""The scheduler's page for the programme team: who holds the lock, each job's runs."""

from datetime import UTC, datetime

from flask import render_template
from sqlalchemy import select, text

from app import access
from app.reminders import bp
from app.auth.models import Role
from app.extensions import db
from app.reminders.models import SchedulerJobRun, SchedulerLock
from app.reminders.scheduler import JOBSTORE_TABLE
from app.timeutil import utcnow



JOB_LABELS = {
    "plan_reminders": "Plan reminders into the outbox",
    "deliver_outbox": "Deliver the outbox",
    "issue_certificates": "Issue certificates earned but missed",
    "count_reports": "Count the report figures",
    "compact_cohort_changes": "Fold away cohorts' old changes",
}


@bp.get("/admin/scheduler")
@access.roles(Role.ADMIN)
def scheduler():
    """Which process holds the scheduler lock, and each job's last and next run."""
    lock = db.session.get(SchedulerLock, "scheduler")
    runs = {run.job_id: run for run in db.session.scalars(select(SchedulerJobRun))}
    next_runs = {}
    if db.inspect(db.engine).has_table(JOBSTORE_TABLE):
        for job_id, next_run in db.session.execute(text(f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}")):
            next_runs[job_id] = datetime.fromtimestamp(next_run, UTC).replace(tzinfo=None)
    return render_template(
        "reminders/scheduler.html", lock=lock, runs=runs, next_runs=next_runs, now=utcnow(),
        jobs=JOB_LABELS,
    )
