"""The nominations of an intake as rows for a CSV file."""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.councils.models import Council
from app.extensions import db
from app.intakes.models import Intake, Nomination
from app.timeutil import to_local

HEADER = [
    "Council",
    "GSS code",
    "Nominee",
    "Email",
    "Job title",
    "Service area",
    "Why this person and the change they will lead",
    "Line manager supports",
    "Status",
    "Waiting list position",
    "Nominated by",
    "Nominated at",
    "Decided by",
    "Decided at",
    "Decision reason",
]


def _when(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


#: Nominations read from the database at a time, on a server-side cursor where there is one.
BATCH = 500


def nomination_rows(intake: Intake) -> Iterator[list]:
    """Every nomination of the intake as a row under HEADER, by council then nominee, read in
    batches as the rows are written (from the query csv_response's stream starts)."""
    nominations = db.session.scalars(
        select(Nomination)
        .join(Council, Council.id == Nomination.council_id)
        .where(Nomination.intake_id == intake.id)
        .options(joinedload(Nomination.created_by).lazyload("*"), joinedload(Nomination.decided_by).lazyload("*"))
        .order_by(Council.name, func.lower(Nomination.nominee_name), Nomination.id)
        .execution_options(yield_per=BATCH)
    )
    for n in nominations:
        yield [
            n.council.name,
            n.council.gss_code,
            n.nominee_name,
            n.email,
            n.job_title,
            n.service_area,
            n.reason,
            "Yes" if n.line_manager_supports else "No",
            n.status.label,
            n.waitlist_position,
            n.created_by.name,
            _when(n.created_at),
            n.decided_by.name if n.decided_by else "",
            _when(n.decided_at),
            n.decision_reason,
        ]
