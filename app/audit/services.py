"""Writing audit events."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import utcnow


def record(actor, action: str, obj, changes: dict[str, Any] | None = None) -> AuditEvent:
    """Record that `actor` (a User or None for the system) did `action` to `obj`.

    `obj` is a model instance, or a name for something with no row (the whole register).
    """
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj if isinstance(obj, str) else type(obj).__name__,
        object_id=None if isinstance(obj, str) else obj.id,
        changes=changes or {},
        at=utcnow(),
    )
    db.session.add(event)
    return event
