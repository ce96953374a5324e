"""The scheduler process: runs the recurring jobs in the foreground."""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

log = logging.getLogger(__name__)

DELIVERY_INTERVAL_SECONDS = 30

#: The application the jobs run in, set when the scheduler starts.
_app: Flask | None = None


def deliver_outbox() -> None:
    """Job: send what is due in the outbox."""
    from app.mail.delivery import deliver_pending

    with _app.app_context():
        counts = deliver_pending()
        if any(counts.values()):
            log.info("outbox: %s", counts)


def run_forever() -> None:
    global _app
    _app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    scheduler = BlockingScheduler(timezone=current_app.config["TIMEZONE"])
    scheduler.add_job(
        deliver_outbox,
        "interval",
        seconds=DELIVERY_INTERVAL_SECONDS,
        id="deliver_outbox",
        misfire_grace_time=DELIVERY_INTERVAL_SECONDS,
        coalesce=True,
    )
    log.info("scheduler started: delivering the outbox every %ss", DELIVERY_INTERVAL_SECONDS)
    scheduler.start()
