"""What a council lead does: nominate, change or withdraw a nomination, ask to substitute.

Every rule is checked here and nowhere else: the pages ask `why_cannot_nominate` what to
show, and `nominate` refuses with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.services import normalise_email
from app.councils.models import Council
from app.extensions import db
from app.intakes.models import Intake, Nomination, NominationStatus
from app.intakes.waitlist import leave_waiting_list, offer_freed_place
from app.intakes.services import (
    IntakeError,
    council_places,
    lock_intake,
    signatory_problem,
    window_problem,
)
from app.timeutil import format_date, to_local, utcnow


@dataclass(frozen=True)
class Nominee:
    """What the lead enters about the person they nominate."""

    name: str
    email: str
    job_title: str
    service_area: str
    reason: str
    line_manager_supports: bool

    def cleaned(self) -> "Nominee":
        return Nominee(
            name=self.name.strip(),
            email=normalise_email(self.email),
            job_title=self.job_title.strip(),
            service_area=self.service_area.strip(),
            reason=self.reason.strip(),
            line_manager_supports=self.line_manager_supports,
        )


def why_cannot_nominate(intake: Intake, council: Council) -> str | None:
    """The reason the council cannot nominate to the intake now, or None if it can."""
    return (
        signatory_problem(intake, council)
        or window_problem(intake, utcnow())
        or council_places(intake, council).problem()
    )


def council_nominations(intake: Intake, council: Council) -> list[Nomination]:
    """The council's nominations for the intake, in the order they were made."""
    return db.session.scalars(
        select(Nomination)
        .where(Nomination.intake_id == intake.id, Nomination.council_id == council.id)
        .order_by(Nomination.created_at, Nomination.id)
    ).all()


def _already_nominated(
    intake_id: int, council: Council, email: str, name: str, exclude_id: int | None = None
) -> None:
    """Refuse an address already nominated for the intake, saying only what is true for this
    council: another council's nomination of the person is theirs, and not told."""
    statement = select(Nomination.council_id).where(
        Nomination.intake_id == intake_id, Nomination.email == email
    )
    if exclude_id is not None:
        statement = statement.where(Nomination.id != exclude_id)
    nominated_by = db.session.scalars(statement).first()
    if nominated_by is None:
        return
    if nominated_by == council.id:
        raise IntakeError(f"{name} has already been nominated for this intake", field="email")
    raise _cannot_nominate(name)


def _cannot_nominate(name: str) -> IntakeError:
    return IntakeError(
        f"You cannot nominate {name} for this intake. Contact the programme team to find out why.",
        field="email",
    )


def _check_nominee(nominee: Nominee) -> None:
    if not nominee.line_manager_supports:
        raise IntakeError(
            "Confirm that their line manager supports this nomination", field="line_manager_supports"
        )


def nominate(intake: Intake, council: Council, nominee: Nominee, actor) -> Nomination:
    """Nominate a member of the council's staff, if the council may and has a place left.

    The intake row is locked before counting, so two leads racing for a last place cannot
    both have it: the second counts after the first commits and is refused.
    """
    nominee = nominee.cleaned()
    _check_nominee(nominee)
    intake = lock_intake(intake.id)
    problem = why_cannot_nominate(intake, council)
    if problem:
        raise IntakeError(problem)
    _already_nominated(intake.id, council, nominee.email, nominee.name)
    nomination = Nomination(
        intake=intake,
        council=council,
        nominee_name=nominee.name,
        email=nominee.email,
        job_title=nominee.job_title,
        service_area=nominee.service_area,
        reason=nominee.reason,
        line_manager_supports=True,
        created_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(nomination)
    except IntegrityError as error:  # the unique constraint, should the check above be outrun
        _already_nominated(intake.id, council, nominee.email, nominee.name)
        raise _cannot_nominate(nominee.name) from error
    record(actor, "nomination.submitted", nomination, {"email": nominee.email, "council": council.name})
    return nomination


def update_nomination(nomination: Nomination, nominee: Nominee, actor) -> None:
    """Change a nomination the programme team has not yet decided."""
    nominee = nominee.cleaned()
    _check_nominee(nominee)
    lock_intake(nomination.intake_id)
    db.session.refresh(nomination)
    if nomination.is_decided:
        raise IntakeError(
            f"This nomination has been {nomination.status.value}, so it can no longer be changed"
        )
    _already_nominated(
        nomination.intake_id, nomination.council, nominee.email, nominee.name, exclude_id=nomination.id
    )
    values = {
        "nominee_name": nominee.name,
        "email": nominee.email,
        "job_title": nominee.job_title,
        "service_area": nominee.service_area,
        "reason": nominee.reason,
    }
    changes = {k: [getattr(nomination, k), v] for k, v in values.items() if getattr(nomination, k) != v}
    for key, value in values.items():
        setattr(nomination, key, value)
    db.session.flush()
    if changes:
        record(actor, "nomination.updated", nomination, changes)


#: Statuses a lead may withdraw from: before a decision, and after one that kept a place.
WITHDRAWABLE = (NominationStatus.SUBMITTED, NominationStatus.WAITLISTED, NominationStatus.ACCEPTED)


def withdraw(nomination: Nomination, actor) -> Nomination | None:
    """Withdraw a nomination. A freed accepted place is offered to the council's waiting list.

    Returns the waitlisted nomination now offered the place, if any.
    """
    lock_intake(nomination.intake_id)
    db.session.refresh(nomination)
    if nomination.status not in WITHDRAWABLE:
        raise IntakeError(f"This nomination has already been {nomination.status.value}")
    before = nomination.status
    frees_a_place = before is NominationStatus.ACCEPTED or nomination.is_offered
    nomination.status = NominationStatus.WITHDRAWN
    nomination.withdrawn_at = utcnow()
    nomination.withdrawn_by_id = actor.id
    nomination.offered_at = None
    clear_substitution(nomination)
    leave_waiting_list(nomination)
    db.session.flush()
    record(actor, "nomination.withdrawn", nomination, {"status": [before.value, "withdrawn"]})
    return offer_freed_place(nomination) if frees_a_place else None


# Substitution -------------------------------------------------------------------------------


def substitution_deadline(intake: Intake) -> date:
    """The day from which substitutions are no longer possible: when the cohorts start."""
    return intake.cohorts_start_on


def substitutions_closed(intake: Intake) -> str | None:
    """Why no nominee of this intake can be substituted any more, or None while they can."""
    deadline = substitution_deadline(intake)
    if to_local(utcnow()).date() >= deadline:
        return (
            f"Nominees can no longer be substituted: the cohorts for this intake started on "
            f"{format_date(deadline)}"
        )
    return None


def substitution_problem(nomination: Nomination) -> str | None:
    """Why the lead cannot ask to pass this nomination's place to someone else now, or None."""
    if nomination.status is not NominationStatus.ACCEPTED:
        return "Only an accepted nominee can be substituted"
    if nomination.substitution_pending:
        return f"You have already asked to substitute {nomination.substitute_name}"
    return substitutions_closed(nomination.intake)


def request_substitution(nomination: Nomination, substitute: Nominee, actor) -> None:
    """Ask the programme team to give an accepted nominee's place to someone else."""
    substitute = substitute.cleaned()
    _check_nominee(substitute)
    lock_intake(nomination.intake_id)
    db.session.refresh(nomination)
    problem = substitution_problem(nomination)
    if problem:
        raise IntakeError(problem)
    _already_nominated(nomination.intake_id, nomination.council, substitute.email, substitute.name)
    nomination.substitution_requested_at = utcnow()
    nomination.substitution_requested_by_id = actor.id
    nomination.substitute_name = substitute.name
    nomination.substitute_email = substitute.email
    nomination.substitute_job_title = substitute.job_title
    nomination.substitute_service_area = substitute.service_area
    nomination.substitute_reason = substitute.reason
    db.session.flush()
    record(
        actor,
        "nomination.substitution_requested",
        nomination,
        {"substitute": substitute.name, "email": substitute.email},
    )


def clear_substitution(nomination: Nomination) -> None:
    nomination.substitution_requested_at = None
    nomination.substitution_requested_by_id = None
    nomination.substitute_name = None
    nomination.substitute_email = None
    nomination.substitute_job_title = None
    nomination.substitute_service_area = None
    nomination.substitute_reason = None
