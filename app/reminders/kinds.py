"""The kinds of reminder, each with a planner: a pure function of the database and the clock.

A planner returns every reminder of its kind that is due at `now`, whether or not it was
sent before; the outbox's unique dedupe key makes a second copy impossible. Each reminder is
due from a moment until its `expires_at`: the planner never returns one past that moment, and
delivery drops one still unsent then. Domains register their kinds with `@reminder_kind(...)`
in app/reminders/planners.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

from app.auth.models import Role
from app.mail.services import Attachment


@dataclass(frozen=True)
class PlannedReminder:
    user: object
    #: Unique per reminder and person, e.g. "session-24h:12:34".
    dedupe_key: str
    template: str
    context: dict = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    #: After this the reminder means nothing, so it is neither planned nor sent; None: never.
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ReminderKind:
    name: str
    #: As shown on the preferences page: "A live session is tomorrow or in an hour".
    label: str
    #: The roles this kind goes to, so the preferences page shows each person their own.
    audience: frozenset[Role]
    #: Service messages (optional=False) always go.
    optional: bool
    planner: Callable[[datetime], Iterable[PlannedReminder]]
    #: Staff reminders that a facilitator may take as one daily digest instead.
    digestible: bool = False


KINDS: dict[str, ReminderKind] = {}


def reminder_kind(name: str, label: str, audience: set[Role], optional: bool = True, digestible: bool = False):
    """Register a planner as the kind `name`."""

    def register(planner):
        KINDS[name] = ReminderKind(name, label, frozenset(audience), optional, planner, digestible)
        return planner

    return register


#: The daily digest is chosen with its own question, not as one of the kinds to switch off.
DIGEST = "staff_digest"


def optional_kinds_for(user) -> list[ReminderKind]:
    return [k for k in KINDS.values() if k.optional and k.name != DIGEST and user.has_role(*k.audience)]
