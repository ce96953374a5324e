"""Intakes: creating and changing them, their nomination window and their places.

Nominating is in nominations.py, the programme team's decisions in decisions.py. Places are
counted here, once, for the pages and for the rules alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, bindparam, case, func, select
from wtforms import SelectChoice

from app.audit.services import record
from app.councils.models import Council
from app.courses.models import Course
from app.errors import DomainError
from app.extensions import db
from app.intakes import tally
from app.intakes.models import HOLDS_A_PLACE, CouncilPlaces, Intake, Nomination
from app.timeutil import format_date, format_datetime, to_local, utcnow


class IntakeError(DomainError):
    """A rule about intakes or nominations was broken; `field` is None when it concerns
    the whole request (the window has closed, the council has no places left)."""


@dataclass(frozen=True)
class IntakeDetails:
    """What the programme team enters for an intake; times are naive UTC."""

    course_id: int
    name: str
    opens_at: datetime
    closes_at: datetime
    cohorts_start_on: date
    places_per_council: int
    total_places: int


# Reading ------------------------------------------------------------------------------------


def lock_intake(intake_id: int) -> Intake:
    """The intake, re-read and row-locked until the transaction ends.

    Every change that counts places or orders the waiting list takes this lock first, so on
    PostgreSQL concurrent nominations for one intake queue here and each counts what the one
    before it committed. (SQLite ignores FOR UPDATE; it allows only one writer at a time.)
    """
    return db.session.scalars(
        select(Intake)
        .where(Intake.id == intake_id)
        .with_for_update(of=Intake)
        .execution_options(populate_existing=True)
    ).one()


def intakes_newest_first():
    """A select of every intake, the latest to close first, for paginating."""
    return select(Intake).order_by(Intake.closes_at.desc(), Intake.id.desc())


def course_choices() -> list[SelectChoice]:
    """The course select box: a prompt, then every course by title."""
    courses = db.session.execute(select(Course.id, Course.title).order_by(Course.title)).all()
    return [SelectChoice("", "Choose a course")] + [SelectChoice(str(i), t) for i, t in courses]


def council_choices() -> list[SelectChoice]:
    """The council select box: a prompt, then every council by name."""
    councils = db.session.execute(select(Council.id, Council.name).order_by(Council.name)).all()
    return [SelectChoice("", "Choose a council")] + [SelectChoice(str(i), n) for i, n in councils]


def intakes_for_leads(now: datetime):
    """A select of intakes for council leads: open ones first, then upcoming, then closed."""
    order = case((Intake.opens_at > now, 1), (Intake.closes_at > now, 0), else_=2)
    return select(Intake).order_by(order, Intake.closes_at.desc(), Intake.id.desc())


def window_problem(intake: Intake, now: datetime) -> str | None:
    """Why nominations cannot be made now, or None while the window is open."""
    if now < intake.opens_at:
        return f"The nomination window opens on {format_datetime(intake.opens_at)}"
    if now >= intake.closes_at:
        return f"The nomination window closed on {format_datetime(intake.closes_at)}"
    return None


def signatory_problem(intake: Intake, council: Council) -> str | None:
    """Why the council may not nominate to this intake, or None if it has signed in time."""
    if council.signed_by(to_local(intake.closes_at).date()):
        return None
    return (
        f"{council.name} has not signed the Local Digital Declaration, so it cannot nominate "
        f"staff for the programme. Only councils that sign by {format_date(intake.closes_at)} "
        "can nominate for this intake."
    )


# Places -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """A council's places on an intake, and the intake's, as used so far."""

    allowed: int
    used: int
    intake_total: int
    intake_used: int

    @property
    def remaining(self) -> int:
        return max(0, min(self.allowed - self.used, self.intake_total - self.intake_used))

    def problem(self) -> str | None:
        """Why no further nomination fits, or None if one does."""
        if self.allowed == 0:
            return "Your council has no places on this intake"
        if self.used >= self.allowed:
            if self.allowed == 1:
                return "Your council has used its only place"
            return f"Your council has used all {self.allowed} of its places"
        if self.intake_used >= self.intake_total:
            if self.intake_total == 1:
                return "The only place on this intake has been taken"
            return f"All {self.intake_total} places on this intake have been taken"
        return None


def _used_by_intake(intake_ids) -> dict[int, int]:
    """Places used on each intake, from the tally of its nominations (app.intakes.tally)."""
    statement = select(Intake.id, tally.places_used(Intake.id)).where(Intake.id.in_(intake_ids))
    return {intake_id: int(used) for intake_id, used in db.session.execute(statement).all()}


def places_columns(council_id) -> tuple:
    """Beside a row of Intake: the places council `council_id` holds on it, every council's,
    and the council's own allocation if it has one (`places_from` makes them Places)."""
    holding = (Nomination.intake_id == Intake.id) & Nomination.status.in_(HOLDS_A_PLACE)
    return (
        select(func.count(Nomination.id)).where(holding, Nomination.council_id == council_id).scalar_subquery(),
        tally.places_used(Intake.id),
        select(CouncilPlaces.places).where(CouncilPlaces.intake_id == Intake.id,
                                           CouncilPlaces.council_id == council_id).scalar_subquery(),
    )


def places_from(intake: Intake, held: int, every: int, own: int | None) -> Places:
    """An intake's Places for one council, from `places_columns`."""
    return Places(allowed=intake.places_per_council if own is None else own, used=held,
                  intake_total=intake.total_places, intake_used=every)


@cache
def _places_select() -> Select:
    """For each of intakes `intakes`, `places_columns` for council `council_id`. Built once."""
    return (select(Intake.id, *places_columns(bindparam("council_id")))
            .where(Intake.id.in_(bindparam("intakes", expanding=True))))


def places_for(intakes: list[Intake], council: Council) -> dict[int, Places]:
    """Each intake's Places for one council, in one query however many intakes."""
    counts = {
        intake_id: columns
        for intake_id, *columns in db.session.execute(
            _places_select(), {"council_id": council.id, "intakes": [intake.id for intake in intakes]})
    }
    return {intake.id: places_from(intake, *counts[intake.id]) for intake in intakes}


def places_by_council(intake: Intake, councils: list[Council]) -> dict[int, Places]:
    """Each council's Places on one intake, by council id: two queries however many councils."""
    used = dict(db.session.execute(
        select(Nomination.council_id, func.count(Nomination.id))
        .where(Nomination.intake_id == intake.id, Nomination.status.in_(HOLDS_A_PLACE))
        .group_by(Nomination.council_id)
    ).all())
    overrides = {override.council_id: override.places for override in intake.overrides}
    return {
        council.id: Places(allowed=overrides.get(council.id, intake.places_per_council), used=used.get(council.id, 0),
                           intake_total=intake.total_places, intake_used=sum(used.values()))
        for council in councils
    }


def council_places(intake: Intake, council: Council) -> Places:
    """The council's places on one intake."""
    return places_for([intake], council)[intake.id]


def places_used_by_intake(intake_ids: list[int]) -> dict[int, int]:
    """Places used on each intake, by intake id."""
    return _used_by_intake(intake_ids)


def places_used(intake: Intake) -> int:
    return _used_by_intake([intake.id]).get(intake.id, 0)


def used_by_council(intake: Intake) -> dict[int, int]:
    """How many places each council has used on the intake, by council id."""
    return dict(
        db.session.execute(
            select(Nomination.council_id, func.count(Nomination.id))
            .where(Nomination.intake_id == intake.id, Nomination.status.in_(HOLDS_A_PLACE))
            .group_by(Nomination.council_id)
        ).all()
    )


# Changing intakes ---------------------------------------------------------------------------


def _check(details: IntakeDetails, intake: Intake | None) -> None:
    if details.closes_at <= details.opens_at:
        raise IntakeError("The window must close after it opens", field="closes_on")
    if details.cohorts_start_on <= to_local(details.closes_at).date():
        raise IntakeError(
            "Cohorts must start after the day the nomination window closes", field="cohorts_start_on"
        )
    if intake is not None:
        used = places_used(intake)
        if details.total_places < used:
            raise IntakeError(
                f"{used} places are already used on this intake, so there must be at least {used}",
                field="total_places",
            )


def create_intake(details: IntakeDetails, actor) -> Intake:
    """A new intake, as the programme team entered it."""
    _check(details, None)
    intake = Intake(**{**details.__dict__, "name": details.name.strip()})
    db.session.add(intake)
    db.session.flush()
    record(actor, "intake.created", intake, {"name": intake.name})
    return intake


def update_intake(intake: Intake, details: IntakeDetails, actor) -> None:
    """Change an intake; its nominations stay as they are."""
    intake = lock_intake(intake.id)
    _check(details, intake)
    values = {**details.__dict__, "name": details.name.strip()}
    changes = {
        key: [str(getattr(intake, key)), str(value)]
        for key, value in values.items()
        if getattr(intake, key) != value
    }
    for key, value in values.items():
        setattr(intake, key, value)
    db.session.flush()
    if changes:
        record(actor, "intake.updated", intake, changes)


def open_early(intake: Intake, actor) -> None:
    """Open the nomination window now, ahead of its planned opening."""
    now = utcnow()
    if intake.is_open(now):
        raise IntakeError("The nomination window is already open")
    if now >= intake.closes_at:
        raise IntakeError(
            "The nomination window has closed. To open it again, change its dates"
        )
    before = intake.opens_at
    intake.opens_at = now
    record(actor, "intake.opened_early", intake, {"opens_at": [str(before), str(now)]})


def close_early(intake: Intake, actor) -> None:
    """Close the nomination window now; nominations already made stay."""
    now = utcnow()
    if not intake.is_open(now):
        raise IntakeError("The nomination window is not open")
    before = intake.closes_at
    intake.closes_at = now
    record(actor, "intake.closed_early", intake, {"closes_at": [str(before), str(now)]})


def _check_council_keeps(intake: Intake, council: Council, places: int) -> None:
    used = used_by_council(intake).get(council.id, 0)
    if places < used:
        raise IntakeError(
            f"{council.name} has already used {used} places on this intake, so it needs at least {used}",
            field="places",
        )


def set_council_places(intake: Intake, council: Council, places: int, actor) -> None:
    """Give one council a number of places other than the intake's default."""
    intake = lock_intake(intake.id)
    _check_council_keeps(intake, council, places)
    override = db.session.get(CouncilPlaces, (intake.id, council.id))
    before = override.places if override else intake.places_per_council
    if override is None:
        intake.overrides.append(CouncilPlaces(council=council, places=places))
    else:
        override.places = places
    db.session.flush()
    record(actor, "intake.places_set", intake, {"council": council.name, "places": [before, places]})


def remove_council_places(intake: Intake, council: Council, actor) -> None:
    """Put a council back on the intake's default number of places."""
    intake = lock_intake(intake.id)
    override = db.session.get(CouncilPlaces, (intake.id, council.id))
    if override is None:
        return
    _check_council_keeps(intake, council, intake.places_per_council)
    intake.overrides.remove(override)
    db.session.flush()
    record(
        actor,
        "intake.places_set",
        intake,
        {"council": council.name, "places": [override.places, intake.places_per_council]},
    )
