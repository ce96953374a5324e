"""Reminder preferences and the scheduler's bookkeeping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ReminderPreferences(db.Model):
    """What one person has chosen; no row means every reminder, one email each."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    #: Kinds of optional reminder the person has switched off.
    opted_out: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Facilitators: take staff reminders as one email a day instead of one each.
    daily_digest: Mapped[bool] = mapped_column(default=False)


class SchedulerLock(db.Model):
    """Which scheduler process may run jobs. On SQLite the lease is the lock; on
    PostgreSQL an advisory lock is, and this row only says who holds it."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: host:pid:random of the process holding the lock.
    holder: Mapped[str | None] = mapped_column(String(200))
    acquired_at: Mapped[datetime | None]
    #: The holder renews this; once it passes, another process may take over.
    lease_until: Mapped[datetime | None]


class SchedulerJobRun(db.Model):
    """The last run of each scheduled job, for the admin's scheduler page."""

    __tablename__ = "scheduler_job_run"

    job_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    holder: Mapped[str] = mapped_column(String(200))
    run_count: Mapped[int] = mapped_column(default=0)
    #: "ok: 3 sent" or the error.
    outcome: Mapped[str | None] = mapped_column(Text)
