"""A permanent record of every decision and change to the register."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who acted; None for the system (the scheduler, a CLI import).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: What happened, dotted: "council.imported", "user.invited".
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: The object acted on: its type and id.
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: What changed, as plain data: {"field": [before, after]} or a summary.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="joined")
