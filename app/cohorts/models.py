"""Cohorts, their live sessions, enrolments and attendance registers."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, enum_type
from app.timeutil import utcnow


cohort_facilitator = Table(
    "cohort_facilitator",
    db.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    # Indexed on its own: "the cohorts this facilitator runs" looks it up by person.
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Cohort(db.Model):
    """A group of participants who take one version of the course together."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id"), index=True)
    #: The course version pinned when the cohort was created; a later import never changes it.
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]
    start_on: Mapped[date]
    end_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    intake = relationship("Intake", lazy="joined")
    course_version = relationship("CourseVersion", lazy="joined")
    # Loaded when first used, not with every cohort: a cohort also arrives joined to each
    # enrolment and session, and loading these each time cost two queries a query. A list of
    # cohorts that shows them asks for them with selectinload.
    facilitators: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary=cohort_facilitator, order_by="User.name"
    )
    schedule: Mapped[list["ModuleSchedule"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="ModuleSchedule.opens_on",
    )

    def is_running(self, today: date) -> bool:
        return self.start_on <= today <= self.end_on

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name}>"


class ModuleSchedule(db.Model):
    """When one module of the course opens and is due for one cohort."""

    __tablename__ = "module_schedule"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), primary_key=True)
    opens_on: Mapped[date]
    due_on: Mapped[date]

    cohort: Mapped[Cohort] = relationship(back_populates="schedule")
    module = relationship("Module", lazy="joined")


class EnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    #: Moved to another cohort; the history stays here.
    TRANSFERRED = "transferred"


#: The statuses of someone who holds a place in a cohort: learning now, or finished.
PLACED = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


class Enrolment(db.Model):
    """A participant's place in a cohort."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: The accepted nomination this place came from, if any.
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(
        enum_type(EnrolmentStatus, 20),
        default=EnrolmentStatus.ACTIVE,
        index=True,
    )
    #: Sessions before this moment never count against the participant.
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]
    #: Why the participant withdrew or moved.
    left_reason: Mapped[str | None] = mapped_column(Text)
    #: The enrolment a transfer moved this participant to.
    transferred_to_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment.id"), index=True)

    cohort: Mapped[Cohort] = relationship(lazy="joined")
    user = relationship("User", lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status is EnrolmentStatus.ACTIVE

    @hybrid_property
    def is_placed(self) -> bool:
        """Holds a place: active or completed (not withdrawn, not transferred away)."""
        return self.status in PLACED

    @is_placed.inplace.expression
    @classmethod
    def _is_placed_expression(cls):
        return cls.status.in_(PLACED)


class LiveSession(db.Model):
    """A live workshop of a cohort, in a place or online."""

    __tablename__ = "live_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    title: Mapped[str] = mapped_column(String(200))
    #: Naive UTC; entered and shown in Europe/London.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(300))
    #: An https joining link for an online session.
    join_url: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None]
    #: Raised on every change, as iCalendar's SEQUENCE, so calendars take the update.
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(lazy="joined")
    module = relationship("Module", lazy="joined")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def attended(self) -> bool:
        return self in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class Attendance(db.Model):
    """One participant's mark in one session's register."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_type(AttendanceStatus, 10)
    )
    note: Mapped[str | None] = mapped_column(String(500))
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeed(db.Model):
    """A person's private calendar feed: the secret in its URL, which they can reset."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CohortChange(db.Model):
    """A write that changed what a cohort's pages show: a row for each cohort it touched, added
    in the same transaction (app/cohorts/changes.py). Only ever added to, so that how many a
    cohort has, and the latest, say whether a page worked out before is still true."""

    __tablename__ = "cohort_change"
    __table_args__ = (Index("ix_cohort_change_cohort_at", "cohort_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
