"""Cohorts: creating them, their module schedule, and who is enrolled."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import defaultload, selectinload

from app.audit.services import record
from app.auth.models import Role, User
from app.cohorts.models import Cohort, Enrolment, EnrolmentStatus, ModuleSchedule, cohort_facilitator
from app.courses.models import CourseVersion
from app.errors import DomainError
from app.extensions import db
from app.intakes.models import Nomination, NominationStatus
from app.timeutil import utcnow


class CohortError(DomainError):
    """A cohort rule was broken."""


def latest_version(course):
    return db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course.id)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def _check_dates(start_on: date, end_on: date) -> None:
    if end_on < start_on:
        raise CohortError("The end date must be on or after the start date", field="end_on")


def create_cohort(*, actor, intake, name: str, capacity: int, start_on: date, end_on: date, facilitators) -> Cohort:
    """A new cohort on the latest version of the intake's course, its module dates
    worked out from the course's offsets."""
    _check_dates(start_on, end_on)
    version = latest_version(intake.course)
    if version is None:
        raise CohortError(f"Import the course “{intake.course.title}” before creating a cohort", field="intake")
    cohort = Cohort(
        intake=intake, course_version=version, name=name.strip(), capacity=capacity,
        start_on=start_on, end_on=end_on, facilitators=list(facilitators),
    )
    cohort.schedule = [
        ModuleSchedule(
            module=module,
            opens_on=start_on + timedelta(days=module.opens_after_days),
            due_on=start_on + timedelta(days=module.due_after_days),
        )
        for module in version.modules
    ]
    db.session.add(cohort)
    db.session.flush()
    record(actor, "cohort.created", cohort, {"name": name, "version": version.label})
    return cohort


def update_cohort(cohort: Cohort, *, actor, name: str, capacity: int, start_on: date, end_on: date, facilitators) -> None:
    _check_dates(start_on, end_on)
    if capacity < active_count(cohort):
        raise CohortError(
            f"The cohort already has {active_count(cohort)} participants: the capacity cannot be less",
            field="capacity",
        )
    changes = {}
    for field, value in (("name", name.strip()), ("capacity", capacity), ("start_on", start_on), ("end_on", end_on)):
        if getattr(cohort, field) != value:
            changes[field] = [str(getattr(cohort, field)), str(value)]
            setattr(cohort, field, value)
    cohort.facilitators = list(facilitators)
    if changes:
        record(actor, "cohort.updated", cohort, changes)


def update_schedule(cohort: Cohort, *, actor, dates: dict[int, tuple[date, date]]) -> None:
    """Set each module's open and due dates: {module_id: (opens_on, due_on)}."""
    for entry in cohort.schedule:
        opens_on, due_on = dates[entry.module_id]
        if due_on < opens_on:
            raise CohortError(
                f"“{entry.module.title}” must be due on or after the day it opens", field=f"due_{entry.module_id}"
            )
        if (entry.opens_on, entry.due_on) != (opens_on, due_on):
            record(actor, "cohort.schedule_changed", cohort, {
                entry.module.title: [f"{entry.opens_on} to {entry.due_on}", f"{opens_on} to {due_on}"]
            })
            entry.opens_on, entry.due_on = opens_on, due_on


def cohorts_for(user):
    """A select of the cohorts a person may run: all for admins, their own for facilitators."""
    statement = select(Cohort).options(selectinload(Cohort.facilitators)).order_by(Cohort.start_on.desc(), Cohort.name)
    if not user.has_role(Role.ADMIN):
        statement = statement.join(cohort_facilitator).where(cohort_facilitator.c.user_id == user.id)
    return statement


def has_place(user, cohort: Cohort) -> bool:
    """Whether `user` holds a place (active or completed) in `cohort`."""
    return db.session.scalar(
        select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id, Enrolment.is_placed)
    ) is not None


def may_run(user, cohort: Cohort) -> bool:
    return user.has_role(Role.ADMIN) or any(f.id == user.id for f in cohort.facilitators)


# Enrolment ----------------------------------------------------------------------------------


def active_count(cohort: Cohort) -> int:
    return db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ACTIVE
        )
    )


def _lock(cohort: Cohort) -> None:
    """Serialise enrolments into one cohort (a row lock on PostgreSQL), so two admins
    enrolling at once can never pass the capacity together."""
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def enrol(cohort: Cohort, user, *, actor, nomination=None, now: datetime | None = None) -> Enrolment:
    """Give a participant a place in the cohort, within its capacity."""
    _lock(cohort)
    existing = db.session.scalar(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)
    )
    if existing is not None and existing.is_active:
        raise CohortError(f"{user.name} is already in {cohort.name}", field="participants")
    if active_count(cohort) >= cohort.capacity:
        raise CohortError(
            f"{cohort.name} is full: all {cohort.capacity} places are taken", field="participants"
        )
    enrolment = existing or Enrolment(cohort=cohort, user=user)
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.nomination_id = nomination.id if nomination is not None else enrolment.nomination_id
    enrolment.joined_at = now or utcnow()
    enrolment.left_at = enrolment.left_reason = None
    db.session.add(enrolment)
    db.session.flush()
    record(actor, "enrolment.created", enrolment, {"cohort": cohort.name, "participant": user.email})
    return enrolment


def enrol_nominees(cohort: Cohort, nominations, *, actor) -> list[Enrolment]:
    """Enrol accepted nominees, all or none: never past the cohort's capacity."""
    _lock(cohort)
    left = cohort.capacity - active_count(cohort)
    if len(nominations) > left:
        raise CohortError(
            f"You chose {len(nominations)} people but {cohort.name} has {left} of its "
            f"{cohort.capacity} places left",
            field="participants",
        )
    return [enrol(cohort, n.participant, actor=actor, nomination=n) for n in nominations]


def withdraw(enrolment: Enrolment, *, actor, reason: str) -> None:
    if not enrolment.is_active:
        raise CohortError(f"{enrolment.user.name} is not an active participant", field="reason")
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.left_at = utcnow()
    enrolment.left_reason = reason.strip()
    record(actor, "enrolment.withdrawn", enrolment, {"reason": reason.strip()})


def transfer(enrolment: Enrolment, to_cohort: Cohort, *, actor, reason: str) -> Enrolment:
    """Move a participant to another cohort; their marks stay with the old enrolment and
    the new cohort's earlier sessions never count against them."""
    if to_cohort.id == enrolment.cohort_id:
        raise CohortError("Choose a different cohort", field="cohort")
    if to_cohort.course_version_id != enrolment.cohort.course_version_id:
        raise CohortError(
            f"{to_cohort.name} follows a different version of the course", field="cohort"
        )
    if not enrolment.is_active:
        raise CohortError(f"{enrolment.user.name} is not an active participant", field="cohort")
    moved = enrol(to_cohort, enrolment.user, actor=actor, nomination=None)
    moved.nomination_id = enrolment.nomination_id
    enrolment.status = EnrolmentStatus.TRANSFERRED
    enrolment.left_at = moved.joined_at
    enrolment.left_reason = reason.strip()
    enrolment.transferred_to_id = moved.id
    record(actor, "enrolment.transferred", enrolment, {"to": to_cohort.name, "reason": reason.strip()})
    return moved


def enrolments_of(cohort: Cohort, *, include_left: bool = False) -> list[Enrolment]:
    statement = select(Enrolment).where(Enrolment.cohort_id == cohort.id)
    if not include_left:
        statement = statement.where(Enrolment.is_placed)
    # Participants' roles are not needed beside their places: leave them unloaded.
    statement = statement.options(defaultload(Enrolment.user).lazyload(User.grants))
    return db.session.scalars(statement.join(User, User.id == Enrolment.user_id).order_by(User.name)).all()


def current_enrolment(user) -> Enrolment | None:
    """The participant's active (or completed) place, the newest first."""
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.user_id == user.id, Enrolment.is_placed)
        .order_by(Enrolment.joined_at.desc())
        .limit(1)
    )


def enrollable_nominations(cohort: Cohort):
    """Accepted nominees of the cohort's intake who have an account and no place yet."""
    placed = select(Enrolment.user_id).where(
        Enrolment.is_placed
    )
    return db.session.scalars(
        select(Nomination)
        .where(
            Nomination.intake_id == cohort.intake_id,
            Nomination.status == NominationStatus.ACCEPTED,
            Nomination.participant_id.is_not(None),
            Nomination.participant_id.not_in(placed),
        )
        .order_by(Nomination.nominee_name)
    ).all()
