"""Report snapshots: each report page's figures, counted ahead of time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ReportSnapshot(db.Model):
    """The figures one report page shows, so that the page reads one row whatever the data size."""

    __tablename__ = "report_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The page: "overview", "intake:<id>" or "councils:<id>".
    page: Mapped[str] = mapped_column(String(60), unique=True)
    #: What the page's template needs, as plain data (app.reports.snapshots reads it back).
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: When the figures were counted (UTC).
    counted_at: Mapped[datetime]
