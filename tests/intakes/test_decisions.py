"""The programme team's decisions, the waiting list, substitutions and the emails they send."""

import re
from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.extensions import db
from app.intakes import nominations as lead
from app.intakes.decisions import Decision, approve_substitution, decide, decline_substitution
from app.intakes.models import NominationStatus
from app.intakes.services import IntakeError
from app.mail.delivery import deliver_pending
from tests.factories import make_council, make_intake, make_nomination, make_user
from tests.intakes.test_services import nominee


@pytest.fixture
def council():
    return make_council("Adur District Council")


@pytest.fixture
def lead_user(council):
    return make_user("council_lead", council=council, name="Sarah Whitfield", email="sarah@adur.gov.uk")


@pytest.fixture
def intake():
    return make_intake(name="Spring 2027", places_per_council=5)


def nominated(intake, lead_user, name="Sam Jones", email="sam@adur.gov.uk", status=NominationStatus.SUBMITTED, **fields):
    return make_nomination(intake, lead_user.council, status, created_by=lead_user, nominee_name=name, email=email, **fields)


# Decisions ------------------------------------------------------------------------------------


def test_declining_needs_a_reason(intake, lead_user, admin):
    nomination = nominated(intake, lead_user)
    with pytest.raises(IntakeError) as error:
        decide([nomination.id], Decision.DECLINE, admin, reason="  ")
    assert (str(error.value), error.value.field) == ("Enter the reason for declining", "reason")
    assert nomination.status is NominationStatus.SUBMITTED


def test_a_decision_on_several_applies_to_all_or_none(intake, lead_user, admin):
    first = nominated(intake, lead_user, "Ann One", "ann@adur.gov.uk")
    accepted = nominated(intake, lead_user, "Bob Two", "bob@adur.gov.uk", NominationStatus.ACCEPTED)
    with pytest.raises(IntakeError) as error:
        decide([first.id, accepted.id], Decision.WAITLIST, admin)
    assert str(error.value) == "Bob Two has already been accepted"
    db.session.rollback()
    assert db.session.get(type(first), first.id).status is NominationStatus.SUBMITTED


def test_every_decision_is_audited_with_its_reason(intake, lead_user, admin):
    nomination = nominated(intake, lead_user)
    decide([nomination.id], Decision.DECLINE, admin, reason="Already on another programme")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "nomination.declined"))
    assert (event.actor_id, event.object_id) == (admin.id, nomination.id)
    assert event.changes == {"status": ["submitted", "declined"], "reason": "Already on another programme"}
    assert (nomination.decided_by_id, nomination.decision_reason) == (admin.id, "Already on another programme")


def test_the_waiting_list_keeps_its_order_and_closes_up(intake, lead_user, admin):
    people = [nominated(intake, lead_user, f"Person {n}", f"p{n}@adur.gov.uk") for n in range(4)]
    decide([people[2].id], Decision.WAITLIST, admin)
    decide([people[0].id, people[1].id], Decision.WAITLIST, admin)
    decide([people[3].id], Decision.WAITLIST, admin)
    assert [p.waitlist_position for p in people] == [2, 3, 1, 4]
    decide([people[0].id], Decision.ACCEPT, admin)
    db.session.expire_all()
    assert [p.waitlist_position for p in people] == [None, 2, 1, 3]


def test_withdrawing_an_accepted_place_offers_it_to_the_councils_next_waitlisted_nominee(intake, lead_user, admin):
    other_council_lead = make_user("council_lead")
    accepted = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    elsewhere = make_nomination(intake, other_council_lead.council, created_by=other_council_lead)
    leo = nominated(intake, lead_user, "Leo Fraser", "leo@adur.gov.uk")
    kim = nominated(intake, lead_user, "Kim Lee", "kim@adur.gov.uk")
    decide([elsewhere.id], Decision.WAITLIST, admin)
    decide([kim.id], Decision.WAITLIST, admin)
    decide([leo.id], Decision.WAITLIST, admin)

    offered = lead.withdraw(accepted, lead_user)

    assert offered == kim  # first of this council's waiting list, not the other council's
    assert kim.is_offered and not leo.is_offered and not elsewhere.is_offered
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == kim.id, AuditEvent.action == "nomination.place_offered"))


def test_confirming_an_offer_accepts_the_nominee(intake, lead_user, admin):
    accepted = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    leo = nominated(intake, lead_user, "Leo Fraser", "leo@adur.gov.uk")
    decide([leo.id], Decision.WAITLIST, admin)
    lead.withdraw(accepted, lead_user)
    decide([leo.id], Decision.ACCEPT, admin)
    assert leo.status is NominationStatus.ACCEPTED
    assert (leo.offered_at, leo.waitlist_position) == (None, None)


def test_declining_an_offer_passes_it_to_the_next_on_the_list(intake, lead_user, admin):
    accepted = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    leo = nominated(intake, lead_user, "Leo Fraser", "leo@adur.gov.uk")
    kim = nominated(intake, lead_user, "Kim Lee", "kim@adur.gov.uk")
    decide([leo.id, kim.id], Decision.WAITLIST, admin)
    lead.withdraw(accepted, lead_user)
    decide([leo.id], Decision.DECLINE, admin, reason="Has left the council")
    assert kim.is_offered


def test_withdrawing_a_submitted_nomination_offers_nothing(intake, lead_user, admin):
    submitted = nominated(intake, lead_user)
    leo = nominated(intake, lead_user, "Leo Fraser", "leo@adur.gov.uk")
    decide([leo.id], Decision.WAITLIST, admin)
    assert lead.withdraw(submitted, lead_user) is None
    assert not leo.is_offered


# Accounts -------------------------------------------------------------------------------------


def test_accepting_invites_a_new_participant_linked_to_the_council(intake, lead_user, admin, council):
    nomination = nominated(intake, lead_user)
    decide([nomination.id], Decision.ACCEPT, admin)
    user = db.session.scalar(select(User).where(User.email == "sam@adur.gov.uk"))
    assert user.roles == {Role.PARTICIPANT}
    assert user.council == council
    assert user.password_hash is None and user.invited_at is not None
    assert nomination.participant == user


def test_accepting_a_lead_who_nominated_themselves_adds_the_role_without_a_second_account(intake, lead_user, admin):
    nomination = nominated(intake, lead_user, lead_user.name, lead_user.email)
    decide([nomination.id], Decision.ACCEPT, admin)
    assert db.session.scalar(select(func.count(User.id)).where(User.email == lead_user.email)) == 1
    assert lead_user.roles == {Role.COUNCIL_LEAD, Role.PARTICIPANT}
    assert nomination.participant == lead_user


# Emails over SMTP -----------------------------------------------------------------------------


def test_accepting_emails_the_leads_and_the_nominee_with_a_working_invitation(intake, lead_user, admin, council, smtp, client):
    second_lead = make_user("council_lead", council=council, email="deputy@adur.gov.uk")
    make_user("council_lead", email="someone@elsewhere.gov.uk")  # another council hears nothing
    nomination = nominated(intake, lead_user)
    decide([nomination.id], Decision.ACCEPT, admin)
    db.session.commit()
    deliver_pending()

    assert sorted(m["To"] for m in smtp.messages) == sorted(
        ["sarah@adur.gov.uk", "deputy@adur.gov.uk", "sam@adur.gov.uk", "sam@adur.gov.uk"]
    )
    (to_lead,) = smtp.to("sarah@adur.gov.uk")
    assert to_lead["Subject"] == "Nomination accepted: Sam Jones, Spring 2027"
    assert len(smtp.to(second_lead.email)) == 1
    subjects = {m["Subject"]: m for m in smtp.to("sam@adur.gov.uk")}
    assert "You have a place on Digital Leadership" in subjects
    invitation = subjects["Set up your Digital Leadership Programme account"]
    link = re.search(r"http://lms\.test(/set-password/\S+)", smtp.text(invitation)).group(1)
    client.post(link, data={"password": "a walk by the river", "confirm": "a walk by the river"})
    assert client.post("/sign-in", data={"email": "sam@adur.gov.uk", "password": "a walk by the river"}).status_code == 302


def test_declining_emails_the_reason_to_the_lead_and_the_nominee(intake, lead_user, admin, smtp):
    nomination = nominated(intake, lead_user)
    decide([nomination.id], Decision.DECLINE, admin, reason="Already on another leadership programme")
    db.session.commit()
    deliver_pending()
    (to_lead,) = smtp.to("sarah@adur.gov.uk")
    (to_nominee,) = smtp.to("sam@adur.gov.uk")
    assert to_lead["Subject"] == "Nomination declined: Sam Jones, Spring 2027"
    assert to_nominee["Subject"] == "Your nomination for Digital Leadership was not accepted"
    for message in (to_lead, to_nominee):
        assert "Reason: Already on another leadership programme" in smtp.text(message)


def test_waitlisting_tells_the_lead_the_position(intake, lead_user, admin, smtp):
    nomination = nominated(intake, lead_user)
    decide([nomination.id], Decision.WAITLIST, admin)
    db.session.commit()
    deliver_pending()
    (to_lead,) = smtp.to("sarah@adur.gov.uk")
    assert to_lead["Subject"] == "Nomination on the waiting list: Sam Jones, Spring 2027"
    assert "at number 1" in smtp.text(to_lead)
    (to_nominee,) = smtp.to("sam@adur.gov.uk")
    assert to_nominee["Subject"] == "You are on the waiting list for Digital Leadership"


def test_a_lead_who_nominated_themselves_gets_one_email_as_the_nominee(intake, lead_user, admin, smtp):
    nomination = nominated(intake, lead_user, lead_user.name, lead_user.email)
    decide([nomination.id], Decision.WAITLIST, admin)
    db.session.commit()
    deliver_pending()
    assert [m["Subject"] for m in smtp.to(lead_user.email)] == ["You are on the waiting list for Digital Leadership"]


def test_an_accepted_nominee_who_already_has_a_password_is_told_to_sign_in_not_invited(intake, lead_user, admin, council, smtp):
    existing = make_user("participant", council=council, email="sam@adur.gov.uk")
    nomination = nominated(intake, lead_user)
    decide([nomination.id], Decision.ACCEPT, admin)
    db.session.commit()
    deliver_pending()
    (message,) = smtp.to("sam@adur.gov.uk")
    assert "You already have an account" in smtp.text(message)
    assert nomination.participant == existing


# Substitution ---------------------------------------------------------------------------------


def test_a_lead_asks_to_substitute_and_the_programme_team_approves(intake, lead_user, admin, council, smtp):
    original = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    lead.request_substitution(original, nominee("Kim Lee", "Kim@adur.gov.uk"), lead_user)
    assert original.substitution_pending and original.substitute_email == "kim@adur.gov.uk"

    substitute = approve_substitution(original, admin)
    db.session.commit()

    assert original.status is NominationStatus.WITHDRAWN and not original.substitution_pending
    assert (substitute.status, substitute.nominee_name, substitute.substitute_for) == (NominationStatus.ACCEPTED, "Kim Lee", original)
    assert substitute.participant.council == council
    deliver_pending()
    assert [m["Subject"] for m in smtp.to("sarah@adur.gov.uk")] == ["Substitution approved: Kim Lee for Amira Hassan"]
    assert {m["Subject"] for m in smtp.to("kim@adur.gov.uk")} == {
        "You have a place on Digital Leadership",
        "Set up your Digital Leadership Programme account",
    }


def test_a_substitution_keeps_the_councils_places_the_same(intake, lead_user, admin):
    from app.intakes.services import council_places

    original = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    lead.request_substitution(original, nominee("Kim Lee", "kim@adur.gov.uk"), lead_user)
    assert council_places(intake, lead_user.council).used == 1
    approve_substitution(original, admin)
    assert council_places(intake, lead_user.council).used == 1


def test_a_declined_substitution_leaves_the_nominee_in_place(intake, lead_user, admin, smtp):
    original = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    lead.request_substitution(original, nominee("Kim Lee", "kim@adur.gov.uk"), lead_user)
    with pytest.raises(IntakeError, match="Enter the reason for declining the substitution"):
        decline_substitution(original, admin, "")
    decline_substitution(original, admin, "Kim is not in a leadership role")
    db.session.commit()
    assert original.status is NominationStatus.ACCEPTED and not original.substitution_pending
    deliver_pending()
    (message,) = smtp.to("sarah@adur.gov.uk")
    assert message["Subject"] == "Substitution declined: Kim Lee for Amira Hassan"
    assert "Reason: Kim is not in a leadership role" in smtp.text(message)


def test_only_an_accepted_nominee_can_be_substituted(intake, lead_user):
    submitted = nominated(intake, lead_user)
    with pytest.raises(IntakeError, match="Only an accepted nominee can be substituted"):
        lead.request_substitution(submitted, nominee("Kim Lee", "kim@adur.gov.uk"), lead_user)


def test_a_substitute_already_nominated_is_refused(intake, lead_user):
    original = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    nominated(intake, lead_user, "Kim Lee", "kim@adur.gov.uk")
    with pytest.raises(IntakeError) as error:
        lead.request_substitution(original, nominee("Kim Lee", "kim@adur.gov.uk"), lead_user)
    assert (str(error.value), error.value.field) == ("Kim Lee has already been nominated for this intake", "email")


def test_substitutions_stop_when_the_cohorts_start(lead_user, admin):
    intake = make_intake(cohorts_start_on=date(2027, 4, 19), opens_at=None, closes_at=None)
    original = nominated(intake, lead_user, "Amira Hassan", "amira@adur.gov.uk", NominationStatus.ACCEPTED)
    with time_machine.travel("2027-04-18 22:59:59+00:00", tick=False):  # 23:59:59 BST the day before
        lead.request_substitution(original, nominee("Kim Lee", "kim@adur.gov.uk"), lead_user)
    with time_machine.travel("2027-04-18 23:00:00+00:00", tick=False):  # midnight in London
        with pytest.raises(IntakeError) as error:
            approve_substitution(original, admin)
    assert str(error.value) == "Nominees can no longer be substituted: the cohorts for this intake started on 19 April 2027"
