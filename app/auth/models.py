"""People and their roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, enum_type
from app.timeutil import utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    COUNCIL_LEAD = "council_lead"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        return {
            "admin": "Programme admin",
            "facilitator": "Facilitator",
            "council_lead": "Council lead",
            "participant": "Participant",
        }[self.value]


#: Roles that belong to a council.
COUNCIL_ROLES = frozenset({Role.COUNCIL_LEAD, Role.PARTICIPANT})


#: The roles that run cohorts: the programme team and facilitators.
STAFF = (Role.ADMIN, Role.FACILITATOR)


class RoleGrant(db.Model):
    """One role held by one person."""

    __tablename__ = "role_grant"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        enum_type(Role, 20),
        primary_key=True,
    )


def new_session_version() -> str:
    """A fresh, unguessable session version: every cookie made with the old one stops working."""
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    """A person with one account and one or more roles."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Council of a council lead or participant; none for programme staff.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id"), index=True)
    #: None until the person sets a password from their invitation.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_at: Mapped[datetime | None]
    password_set_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    #: Part of the id in the session cookie; replaced on a new password and on signing out,
    #: which ends every session made before, and any copy of its cookie.
    session_version: Mapped[str] = mapped_column(String(32), default=new_session_version)

    grants: Mapped[list[RoleGrant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    council: Mapped["Council | None"] = relationship(lazy="joined")  # noqa: F821

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def get_id(self) -> str:
        """The session's id for Flask-Login: the account and its session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def has_accepted_invitation(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class PasswordResetRequest(db.Model):
    """An address someone asked to reset, waiting for the scheduler to email a link if it has
    an account. Queued whether or not it does, so the page takes the same time either way."""

    __tablename__ = "password_reset_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
