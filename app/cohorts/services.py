"""Cohorts: creating them, their module schedule, and who is enrolled."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import defaultload, lazyload, selectinload

from app.audit.services import record
from app.auth.models import Role, User
from app.cohorts.calendar import feed_url
from app.cohorts.models import Cohort, Enrolment, EnrolmentStatus, LiveSession, ModuleSchedule, cohort_facilitator
from app.courses.models import CourseVersion
from app.errors import DomainError
from app.extensions import db
from app.intakes.models import Nomination, NominationStatus
from app.mail.services import queue_email
from app.timeutil import format_datetime, to_utc, utcnow
from app.urls import absolute_url


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
    if capacity < placed_count(cohort):
        raise CohortError(
            f"The cohort already has {placed_count(cohort)} participants: the capacity cannot be less",
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


def open_modules_now(cohort: Cohort, *, actor, today: date) -> int:
    """Open every module of the cohort that has not opened yet from `today`, lessons and
    assessments alike (due dates stay); audited. How many modules were opened."""
    opened = {}
    for entry in cohort.schedule:
        if entry.opens_on > today:
            opened[entry.module.title] = [str(entry.opens_on), str(today)]
            entry.opens_on = today
    if not opened:
        raise CohortError("Every module of this cohort is already open", field="open_modules")
    record(actor, "cohort.modules_opened", cohort, opened)
    return len(opened)


def cohorts_for(user):
    """A select of the cohorts a person may run: all for admins, their own for facilitators."""
    statement = select(Cohort).options(selectinload(Cohort.facilitators)).order_by(Cohort.start_on.desc(), Cohort.name)
    if not user.has_role(Role.ADMIN):
        statement = statement.join(cohort_facilitator).where(cohort_facilitator.c.user_id == user.id)
    return statement


def cohorts_of_intake(intake) -> list[Cohort]:
    """The intake's cohorts, the earliest first."""
    return db.session.scalars(
        select(Cohort).where(Cohort.intake_id == intake.id).order_by(Cohort.start_on, Cohort.name)
    ).all()


def placed_counts(cohorts) -> dict[int, int]:
    """How many places are taken in each cohort, by cohort id: one query."""
    counts = db.session.execute(
        select(Enrolment.cohort_id, func.count(Enrolment.id))
        .where(Enrolment.cohort_id.in_([c.id for c in cohorts]), Enrolment.is_placed)
        .group_by(Enrolment.cohort_id)
    ).all()
    return {cohort.id: 0 for cohort in cohorts} | dict(counts)


def has_place(user, cohort: Cohort) -> bool:
    """Whether `user` holds a place (active or completed) in `cohort`."""
    return db.session.scalar(
        select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id, Enrolment.is_placed)
    ) is not None


@cache
def _runs_select() -> Select:
    return select(cohort_facilitator.c.user_id).where(
        cohort_facilitator.c.cohort_id == bindparam("cohort_id"), cohort_facilitator.c.user_id == bindparam("user_id"))


def may_run(user, cohort: Cohort, *, facilitates: bool | None = None) -> bool:
    """Whether `user` may run this cohort: the programme team and its own facilitators. Asked
    of the link table, so that a page checking it loads no facilitator's account, unless the
    caller read whether they `facilitates` it already (load_cohort, with the cohort)."""
    if user.has_role(Role.ADMIN):
        return True
    if facilitates is None:
        facilitates = db.session.scalar(_runs_select(), {"cohort_id": cohort.id, "user_id": user.id}) is not None
    return facilitates


# Enrolment ----------------------------------------------------------------------------------


def placed_count(cohort: Cohort) -> int:
    """How many of the cohort's places are taken: by people learning now or finished."""
    return db.session.scalar(
        select(func.count(Enrolment.id)).where(Enrolment.cohort_id == cohort.id, Enrolment.is_placed)
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
    if existing is not None and existing.is_placed:
        raise CohortError(f"{user.name} is already in {cohort.name}", field="participants")
    if placed_count(cohort) >= cohort.capacity:
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
    _email_placement(enrolment)
    return enrolment


def _email_placement(enrolment: Enrolment) -> None:
    """Tell the participant their cohort's dates, its first session and their calendar feed."""
    cohort, user = enrolment.cohort, enrolment.user
    first = db.session.scalar(
        select(LiveSession).where(
            LiveSession.cohort_id == cohort.id, LiveSession.cancelled_at.is_(None),
            LiveSession.starts_at >= enrolment.joined_at,
        ).order_by(LiveSession.starts_at).limit(1)
    )
    queue_email(
        to=user.email,
        kind="cohort_placement",
        template="cohorts/placed",
        user=user,
        dedupe_key=f"placed:{enrolment.id}:{enrolment.joined_at:%Y%m%d%H%M%S}",
        # Once the cohort is over, news of a place in it means nothing.
        expires_at=to_utc(datetime.combine(cohort.end_on + timedelta(days=1), time())),
        context={
            "cohort": cohort, "first": first, "first_when": format_datetime(first.starts_at) if first else None,
            "feed_url": feed_url(user), "timetable": absolute_url("cohorts.timetable"),
        },
    )


def enrol_nominees(cohort: Cohort, nominations, *, actor) -> list[Enrolment]:
    """Enrol accepted nominees, all or none: never past the cohort's capacity."""
    _lock(cohort)
    left = cohort.capacity - placed_count(cohort)
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


@cache
def _enrolments_select(include_left: bool) -> Select:
    """The enrolments of cohort `cohort_id` by name, built once for each choice (see
    enrolments_of). Participants' roles are not needed beside their places, and the cohort is
    the one in hand (found in the session, not joined again to every row): both stay unloaded."""
    statement = select(Enrolment).where(Enrolment.cohort_id == bindparam("cohort_id"))
    if not include_left:
        statement = statement.where(Enrolment.is_placed)
    statement = statement.options(defaultload(Enrolment.user).lazyload(User.grants), lazyload(Enrolment.cohort))
    return statement.join(User, User.id == Enrolment.user_id).order_by(User.name)


def enrolments_of(cohort: Cohort, *, include_left: bool = False) -> list[Enrolment]:
    """The cohort's participants, learning or finished, by name; with `include_left`, those
    who withdrew or moved away too."""
    return db.session.scalars(_enrolments_select(include_left), {"cohort_id": cohort.id}).all()


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
