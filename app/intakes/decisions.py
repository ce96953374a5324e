"""The programme team's decisions: accept, waitlist or decline nominations; approve substitutions.

Every decision is an audit event and emails the council's leads and the nominee (through the
outbox). Accepting gives the nominee a participant account linked to their council: an
invitation for someone new, the participant role for someone who already has an account.
Placing accepted participants in cohorts builds on `Nomination.participant` and is not done here.
"""

from __future__ import annotations

import enum

from sqlalchemy import select

from app.audit.services import record
from app.auth.models import Role, RoleGrant, User
from app.auth.services import find_user_by_email, grant_role, invite_user, send_invitation
from app.cohorts.services import cohorts_of_intake
from app.extensions import db
from app.intakes.models import Nomination, NominationStatus
from app.intakes.nominations import clear_substitution, substitutions_closed
from app.intakes.services import IntakeError, lock_intake
from app.intakes.waitlist import join_waiting_list, leave_waiting_list, offer_freed_place
from app.mail.services import queue_email
from app.timeutil import utcnow
from app.urls import absolute_url


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    DECLINE = "decline"

    @property
    def label(self) -> str:
        return {"accept": "Accept", "waitlist": "Add to the waiting list", "decline": "Decline"}[self.value]

    @property
    def status(self) -> NominationStatus:
        return {
            "accept": NominationStatus.ACCEPTED,
            "waitlist": NominationStatus.WAITLISTED,
            "decline": NominationStatus.DECLINED,
        }[self.value]


#: Which statuses each decision may be made from.
DECIDABLE_FROM = {
    Decision.ACCEPT: (NominationStatus.SUBMITTED, NominationStatus.WAITLISTED),
    Decision.WAITLIST: (NominationStatus.SUBMITTED,),
    Decision.DECLINE: (NominationStatus.SUBMITTED, NominationStatus.WAITLISTED),
}

_ALREADY = {
    NominationStatus.ACCEPTED: "has already been accepted",
    NominationStatus.WAITLISTED: "is already on the waiting list",
    NominationStatus.DECLINED: "has already been declined",
    NominationStatus.WITHDRAWN: "has been withdrawn",
}


def _locked_nominations(ids: list[int]) -> list[Nomination]:
    """The nominations, read again after locking their intakes (in id order, so never deadlocking)."""
    intake_ids = db.session.scalars(
        select(Nomination.intake_id).where(Nomination.id.in_(ids)).distinct()
    ).all()
    for intake_id in sorted(intake_ids):
        lock_intake(intake_id)
    return list(
        db.session.scalars(
            select(Nomination)
            .where(Nomination.id.in_(ids))
            .order_by(Nomination.created_at, Nomination.id)
            .execution_options(populate_existing=True)
        )
    )


def decide(nomination_ids: list[int], decision: Decision, actor: User, reason: str = "") -> list[Nomination]:
    """Make one decision on several nominations: all of them, or none if any cannot take it."""
    reason = reason.strip()
    if decision is Decision.DECLINE and not reason:
        raise IntakeError("Enter the reason for declining", field="reason")
    nominations = _locked_nominations(nomination_ids)
    if not nominations:
        raise IntakeError("Select at least one nomination", field="nominations")
    for nomination in nominations:
        if nomination.status not in DECIDABLE_FROM[decision]:
            raise IntakeError(
                f"{nomination.nominee_name} {_ALREADY[nomination.status]}", field="nominations"
            )
    for nomination in nominations:
        _apply(nomination, decision, actor, reason)
    db.session.flush()
    return nominations


def _apply(nomination: Nomination, decision: Decision, actor: User, reason: str) -> None:
    before = nomination.status
    was_offered = nomination.is_offered
    nomination.status = decision.status
    nomination.decided_by_id = actor.id
    nomination.decided_at = utcnow()
    nomination.decision_reason = reason or None
    nomination.offered_at = None
    if decision is Decision.WAITLIST:
        join_waiting_list(nomination)
    else:
        leave_waiting_list(nomination)
    if decision is Decision.ACCEPT:
        nomination.participant = _participant_account(nomination, actor)
    record(
        actor,
        f"nomination.{decision.status.value}",
        nomination,
        {"status": [before.value, decision.status.value], "reason": reason},
    )
    _email_decision(nomination, decision)
    if was_offered and decision is Decision.DECLINE:
        offer_freed_place(nomination)


def _participant_account(nomination: Nomination, actor: User) -> User:
    """The nominee's account, with the participant role: invited if new, never duplicated."""
    user = find_user_by_email(nomination.email)
    if user is None:
        return invite_user(
            actor=actor,
            email=nomination.email,
            name=nomination.nominee_name,
            roles={Role.PARTICIPANT},
            council=nomination.council,
        )
    grant_role(user, Role.PARTICIPANT, nomination.council)
    if not user.has_accepted_invitation:
        send_invitation(user, actor)
    db.session.flush()
    return user


# Substitutions ------------------------------------------------------------------------------


def approve_substitution(nomination: Nomination, actor: User) -> Nomination:
    """Give an accepted place to the substitute the lead asked for; the original is withdrawn."""
    lock_intake(nomination.intake_id)
    db.session.refresh(nomination)
    if not nomination.substitution_pending:
        raise IntakeError("There is no substitution waiting for a decision", field="decision")
    problem = substitutions_closed(nomination.intake)
    if problem:
        raise IntakeError(problem, field="decision")
    clash = db.session.scalar(
        select(Nomination).where(
            Nomination.intake_id == nomination.intake_id, Nomination.email == nomination.substitute_email
        )
    )
    if clash is not None:
        raise IntakeError(
            f"{nomination.substitute_name} has already been nominated for this intake", field="decision"
        )
    now = utcnow()
    substitute = Nomination(
        intake_id=nomination.intake_id,
        council_id=nomination.council_id,
        nominee_name=nomination.substitute_name,
        email=nomination.substitute_email,
        job_title=nomination.substitute_job_title,
        service_area=nomination.substitute_service_area,
        reason=nomination.substitute_reason,
        line_manager_supports=True,
        status=NominationStatus.ACCEPTED,
        created_by_id=nomination.substitution_requested_by_id,
        created_at=nomination.substitution_requested_at,
        decided_by_id=actor.id,
        decided_at=now,
        decision_reason=f"Substitute for {nomination.nominee_name}",
        substitute_for_id=nomination.id,
    )
    db.session.add(substitute)
    nomination.status = NominationStatus.WITHDRAWN
    nomination.withdrawn_at = now
    nomination.withdrawn_by_id = actor.id
    clear_substitution(nomination)
    db.session.flush()
    substitute.participant = _participant_account(substitute, actor)
    record(actor, "nomination.substitution_approved", nomination, {"substitute": substitute.id})
    record(actor, "nomination.accepted", substitute, {"substitute_for": nomination.id})
    _email_substitution(nomination, substitute.nominee_name, approved=True, reason="")
    _email_nominee(substitute, Decision.ACCEPT)
    return substitute


def decline_substitution(nomination: Nomination, actor: User, reason: str) -> None:
    """Refuse a substitution: the accepted nominee keeps their place."""
    reason = reason.strip()
    if not reason:
        raise IntakeError("Enter the reason for declining the substitution", field="reason")
    lock_intake(nomination.intake_id)
    db.session.refresh(nomination)
    if not nomination.substitution_pending:
        raise IntakeError("There is no substitution waiting for a decision", field="decision")
    name = nomination.substitute_name
    record(actor, "nomination.substitution_declined", nomination, {"substitute": name, "reason": reason})
    clear_substitution(nomination)
    db.session.flush()
    _email_substitution(nomination, name, approved=False, reason=reason)


# Emails -------------------------------------------------------------------------------------


def council_leads(council_id: int) -> list[User]:
    """The active council leads of a council, who hear about every decision on its nominations."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleGrant)
            .where(User.council_id == council_id, RoleGrant.role == Role.COUNCIL_LEAD, User.active)
            .order_by(User.id)
        )
    )


def _email_decision(nomination: Nomination, decision: Decision) -> None:
    link = absolute_url("intakes.lead_nomination", nomination_id=nomination.id)
    for lead in council_leads(nomination.council_id):
        if lead.email == nomination.email:
            continue  # a lead who nominated themselves hears as the nominee
        queue_email(
            to=lead.email,
            kind="nomination_decision",
            template="intakes/nomination_decision_lead",
            user=lead,
            context={"nomination": nomination, "decision": decision.value, "link": link},
            dedupe_key=f"nomination-{decision.value}:{nomination.id}:{lead.id}",
        )
    _email_nominee(nomination, decision)


def _email_nominee(nomination: Nomination, decision: Decision) -> None:
    queue_email(
        to=nomination.email,
        kind="nomination_decision",
        template="intakes/nomination_decision_nominee",
        user=nomination.participant,
        context={
            "nomination": nomination,
            "decision": decision.value,
            "sign_in": absolute_url("auth.login"),
            "cohorts": cohorts_of_intake(nomination.intake) if decision is Decision.ACCEPT else [],
        },
        dedupe_key=f"nomination-{decision.value}:{nomination.id}:nominee",
    )


def _email_substitution(nomination: Nomination, substitute_name: str, approved: bool, reason: str) -> None:
    link = absolute_url("intakes.lead_nomination", nomination_id=nomination.id)
    for lead in council_leads(nomination.council_id):
        queue_email(
            to=lead.email,
            kind="substitution_decision",
            template="intakes/substitution_decision",
            user=lead,
            context={
                "nomination": nomination,
                "substitute_name": substitute_name,
                "approved": approved,
                "reason": reason,
                "link": link,
            },
        )
