"""Intakes (funded rounds of the programme) and the nominations councils make to them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, enum_type
from app.timeutil import utcnow



class Intake(db.Model):
    """One funded round: a course, a nomination window and the places on offer."""

    __tablename__ = "intake"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    #: What the programme team calls the round, e.g. "Spring 2027".
    name: Mapped[str] = mapped_column(String(200))
    #: When nominations open and close, naive UTC (entered and shown in Europe/London).
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: The day the intake's cohorts start; substitutions are possible until then.
    cohorts_start_on: Mapped[date]
    #: Places each council may fill unless it has an override.
    places_per_council: Mapped[int]
    #: Places on the whole intake, across every council.
    total_places: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("Course", lazy="joined")
    #: Loaded when first used: an intake arrives joined to every cohort and nomination.
    overrides: Mapped[list["CouncilPlaces"]] = relationship(
        back_populates="intake", cascade="all, delete-orphan"
    )

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def state(self, now: datetime) -> str:
        """"upcoming", "open" or "closed"."""
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"

    def __repr__(self) -> str:
        return f"<Intake {self.id} {self.name}>"


class CouncilPlaces(db.Model):
    """A council given more or fewer places on an intake than the default."""

    __tablename__ = "council_places"

    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id", ondelete="CASCADE"), primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), primary_key=True)
    places: Mapped[int]

    intake: Mapped[Intake] = relationship(back_populates="overrides")
    council = relationship("Council", lazy="joined")


class NominationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return "On the waiting list" if self is NominationStatus.WAITLISTED else self.value.capitalize()


#: Nominations that hold one of the council's places. Declined and withdrawn ones give theirs
#: back; a waitlisted nominee keeps theirs, because the next accepted place freed in their
#: council is offered to them.
HOLDS_A_PLACE = (NominationStatus.SUBMITTED, NominationStatus.ACCEPTED, NominationStatus.WAITLISTED)


class Nomination(db.Model):
    """A council's nomination of one member of staff for a place on an intake."""

    __tablename__ = "nomination"
    __table_args__ = (
        # Emails are stored lower-cased, so this is one nomination per person per intake
        # whatever the case typed.
        UniqueConstraint("intake_id", "email", name="uq_nomination_intake_id_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The tally (app.intakes.tally) counts nominations by intake, status, offer and
    # substitution: `active_history` has a change to any of them remember what it replaced.
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id"), index=True, active_history=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    nominee_name: Mapped[str] = mapped_column(String(200))
    #: The nominee's work email, lower-cased.
    email: Mapped[str] = mapped_column(String(254))
    job_title: Mapped[str] = mapped_column(String(200))
    service_area: Mapped[str] = mapped_column(String(200))
    #: Why this person, and what change they will lead.
    reason: Mapped[str] = mapped_column(Text)
    line_manager_supports: Mapped[bool]
    status: Mapped[NominationStatus] = mapped_column(
        enum_type(NominationStatus, 20),
        default=NominationStatus.SUBMITTED,
        index=True,
        active_history=True,
    )
    #: Place in the intake's waiting list, 1 first; None unless waitlisted.
    waitlist_position: Mapped[int | None]
    #: When a freed place was offered to this waitlisted nominee, for the programme team to confirm.
    offered_at: Mapped[datetime | None] = mapped_column(active_history=True)
    #: The council lead who nominated.
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: The programme team's decision: who, when and why (a reason is required to decline).
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None]
    #: The account the nominee was invited to when accepted; cohort placement starts from it.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: The accepted nomination this one replaced, when it came from an approved substitution.
    substitute_for_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))

    # A council lead's pending request to give this accepted place to someone else.
    substitution_requested_at: Mapped[datetime | None] = mapped_column(active_history=True)
    substitution_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    substitute_name: Mapped[str | None] = mapped_column(String(200))
    substitute_email: Mapped[str | None] = mapped_column(String(254))
    substitute_job_title: Mapped[str | None] = mapped_column(String(200))
    substitute_service_area: Mapped[str | None] = mapped_column(String(200))
    substitute_reason: Mapped[str | None] = mapped_column(Text)

    intake: Mapped[Intake] = relationship(lazy="joined")
    council = relationship("Council", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    participant = relationship("User", foreign_keys=[participant_id])
    substitute_for = relationship("Nomination", remote_side=[id])

    @property
    def is_decided(self) -> bool:
        return self.status is not NominationStatus.SUBMITTED

    # Hybrids, so that a query can select them for pages that show many nominations as rows.
    @hybrid_property
    def substitution_pending(self) -> bool:
        return self.substitution_requested_at is not None

    @substitution_pending.inplace.expression
    @classmethod
    def _substitution_pending_expression(cls):
        return cls.substitution_requested_at.is_not(None)

    @hybrid_property
    def is_offered(self) -> bool:
        return self.status is NominationStatus.WAITLISTED and self.offered_at is not None

    @is_offered.inplace.expression
    @classmethod
    def _is_offered_expression(cls):
        return and_(cls.status == NominationStatus.WAITLISTED, cls.offered_at.is_not(None))

    def __repr__(self) -> str:
        return f"<Nomination {self.id} {self.email} {self.status}>"


#: The programme team's queue order: offers and substitutions to confirm first, then the
#: waiting list in its order, then everything else oldest first. An index holds it, so a page
#: of the queue reads 25 rows however many nominations there are.
QUEUE_ORDER = (
    func.coalesce(Nomination.offered_at, Nomination.substitution_requested_at).is_(None),
    Nomination.waitlist_position.is_(None),
    Nomination.waitlist_position,
    Nomination.created_at,
    Nomination.id,
)
Index("ix_nomination_queue", *QUEUE_ORDER)


class NominationTally(db.Model):
    """How many of an intake's nominations have one status, kept by app.intakes.tally."""

    __tablename__ = "nomination_tally"

    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[NominationStatus] = mapped_column(enum_type(NominationStatus, 20), primary_key=True)
    nominations: Mapped[int] = mapped_column(default=0)
    #: Of those, how many are waitlisted with a freed place offered, and how many have a
    #: substitution requested.
    offered: Mapped[int] = mapped_column(default=0)
    substitutions: Mapped[int] = mapped_column(default=0)
