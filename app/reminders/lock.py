"""One scheduler at a time, however many processes start one.

PostgreSQL: a session advisory lock held on a connection of its own. If the holder dies its
connection closes and the lock is free at once. SQLite has no such lock, so a leased row is
the lock: the holder renews the lease, and once the lease runs out another process may take
over. Both write who holds the lock to the `scheduler_lock` row, for the admin's page.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.reminders.models import SchedulerLock
from app.timeutil import utcnow

LOCK_NAME = "scheduler"
#: Any fixed number shared by every process of this application.
ADVISORY_KEY = 7_482_001


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class LeaseLock:
    """A lock row whose lease the holder must renew."""

    def __init__(self, engine: Engine, lease: timedelta, holder: str | None = None):
        self.engine = engine
        self.lease = lease
        self.holder = holder or holder_name()

    def _ensure_row(self, connection) -> None:
        try:
            with connection.begin_nested():
                connection.execute(insert(SchedulerLock).values(name=LOCK_NAME))
        except IntegrityError:
            pass

    def acquire(self) -> bool:
        """Take the lock if it is free, expired or already ours; renew it if ours."""
        now = utcnow()
        with self.engine.begin() as connection:
            self._ensure_row(connection)
            current = connection.execute(
                select(SchedulerLock.holder).where(SchedulerLock.name == LOCK_NAME)
            ).scalar()
            values = {"holder": self.holder, "lease_until": now + self.lease}
            if current != self.holder:
                values["acquired_at"] = now
            # The WHERE clause is the lock: only one process's UPDATE can match.
            taken = connection.execute(
                update(SchedulerLock)
                .where(SchedulerLock.name == LOCK_NAME)
                .where(
                    (SchedulerLock.holder == self.holder)
                    | SchedulerLock.lease_until.is_(None)
                    | (SchedulerLock.lease_until < now)
                )
                .values(**values)
            ).rowcount
        return bool(taken)

    renew = acquire

    def release(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(SchedulerLock)
                .where(SchedulerLock.name == LOCK_NAME, SchedulerLock.holder == self.holder)
                .values(holder=None, lease_until=None, acquired_at=None)
            )


class AdvisoryLock(LeaseLock):
    """PostgreSQL: pg_try_advisory_lock on a connection held for as long as we are the holder."""

    def __init__(self, engine: Engine, lease: timedelta, holder: str | None = None):
        super().__init__(engine, lease, holder)
        self.connection = None

    def acquire(self) -> bool:
        if self.connection is None:
            connection = self.engine.connect()
            got = connection.execute(select(text(f"pg_try_advisory_lock({ADVISORY_KEY})"))).scalar()
            connection.commit()
            if not got:
                connection.close()
                return False
            self.connection = connection
            self._record(taken=True)
            return True
        return self.renew()

    def renew(self) -> bool:
        try:
            self.connection.execute(text("SELECT 1"))
            self.connection.commit()
        except Exception:  # the lock went with the connection
            self.connection = None
            return False
        self._record(taken=False)
        return True

    def _record(self, taken: bool) -> None:
        now = utcnow()
        values = {"holder": self.holder, "lease_until": now + self.lease}
        if taken:
            values["acquired_at"] = now
        with self.engine.begin() as connection:
            self._ensure_row(connection)
            connection.execute(
                update(SchedulerLock).where(SchedulerLock.name == LOCK_NAME).values(**values)
            )

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(text(f"SELECT pg_advisory_unlock({ADVISORY_KEY})"))
                self.connection.commit()
            finally:
                self.connection.close()
                self.connection = None
        super().release()


def scheduler_lock(engine: Engine, lease: timedelta) -> LeaseLock:
    """The right lock for this database."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, lease)
    return LeaseLock(engine, lease)
