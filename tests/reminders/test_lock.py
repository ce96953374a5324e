import time
from datetime import timedelta

import pytest
import time_machine

from app.extensions import db
from app.reminders.lock import AdvisoryLock, LeaseLock
from app.reminders.models import SchedulerLock
from app.timeutil import utcnow

LEASE = timedelta(seconds=30)


def test_only_one_lease_lock_holder_until_its_lease_runs_out():
    first, second = LeaseLock(db.engine, LEASE, "first"), LeaseLock(db.engine, LEASE, "second")
    assert first.acquire()
    assert not second.acquire()
    assert first.renew()
    with time_machine.travel(utcnow() + timedelta(seconds=31), tick=False):
        assert second.acquire()
        assert not first.renew()
    assert db.session.get(SchedulerLock, "scheduler").holder == "second"


def test_a_released_lease_lock_is_free_at_once():
    first, second = LeaseLock(db.engine, LEASE, "first"), LeaseLock(db.engine, LEASE, "second")
    assert first.acquire()
    first.release()
    assert second.acquire()


@pytest.mark.postgres  # advisory locks are PostgreSQL's; SQLite uses the lease lock tested above
def test_an_advisory_lock_passes_on_when_its_holders_connection_dies():
    first, second = AdvisoryLock(db.engine, LEASE, "first"), AdvisoryLock(db.engine, LEASE, "second")
    try:
        assert first.acquire()
        assert not second.acquire()
        first.connection.invalidate()  # as if the process were killed: no unlock is sent
        first.connection = None
        # The server frees the lock once it notices the connection has gone: a moment, not a lease.
        deadline = time.monotonic() + 5
        while not second.acquire() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.acquire()
        assert db.session.get(SchedulerLock, "scheduler").holder == "second"
    finally:
        first.release()
        second.release()
