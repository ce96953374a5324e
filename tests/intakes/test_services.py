"""The rules of intakes and nominations, through the services."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.extensions import db
from app.intakes import nominations as lead
from app.intakes import services
from app.intakes.models import Nomination, NominationStatus
from app.intakes.nominations import Nominee
from app.intakes.services import IntakeDetails, IntakeError
from app.timeutil import to_utc
from tests.factories import make_council, make_course, make_intake, make_nomination, make_user


def nominee(name="Sam Jones", email="sam.jones@council.gov.uk", **fields) -> Nominee:
    values = {
        "job_title": "Service manager",
        "service_area": "Housing",
        "reason": "Sam will lead the redesign of housing repairs around tenants' needs.",
        "line_manager_supports": True,
    } | fields
    return Nominee(name=name, email=email, **values)


def london(*parts) -> datetime:
    """A UK wall-clock time as stored (naive UTC)."""
    return to_utc(datetime(*parts))


def at_utc(*parts):
    return time_machine.travel(datetime(*parts, tzinfo=UTC), tick=False)


@pytest.fixture
def lead_of():
    def _lead_of(council=None):
        return make_user("council_lead", council=council or make_council())

    return _lead_of


# The window, in Europe/London across clock changes ------------------------------------------


def spring_intake():
    """Opens in GMT, closes the day the clocks go forward (28 March 2027), at 5pm BST."""
    details = IntakeDetails(
        course_id=make_course().id,
        name="Spring 2027",
        opens_at=london(2027, 3, 20, 9, 0),
        closes_at=london(2027, 3, 28, 17, 0),
        cohorts_start_on=date(2027, 4, 19),
        places_per_council=3,
        total_places=100,
    )
    return services.create_intake(details, actor=None)


def test_a_window_entered_in_london_time_is_stored_in_utc_across_the_clock_change():
    intake = spring_intake()
    assert intake.opens_at == datetime(2027, 3, 20, 9, 0)  # GMT: London is UTC
    assert intake.closes_at == datetime(2027, 3, 28, 16, 0)  # BST: London is UTC+1


@pytest.mark.parametrize(
    ("moment", "refusal"),
    [
        ((2027, 3, 20, 8, 59, 59), "The nomination window opens on 20 March 2027 at 9am"),
        ((2027, 3, 20, 9, 0, 0), None),
        ((2027, 3, 28, 15, 59, 59), None),
        ((2027, 3, 28, 16, 0, 0), "The nomination window closed on 28 March 2027 at 5pm"),
    ],
    ids=["a second before it opens", "as it opens", "a second before it closes", "as it closes at 5pm BST"],
)
def test_nominations_are_taken_only_inside_the_window(lead_of, moment, refusal):
    intake = spring_intake()
    lead_user = lead_of()
    with at_utc(*moment):
        if refusal is None:
            assert lead.nominate(intake, lead_user.council, nominee(), lead_user).status is NominationStatus.SUBMITTED
        else:
            with pytest.raises(IntakeError) as error:
                lead.nominate(intake, lead_user.council, nominee(), lead_user)
            assert str(error.value) == refusal


def test_a_window_closing_after_the_clocks_go_back_closes_at_5pm_gmt(lead_of):
    intake = make_intake(opens_at=london(2027, 10, 1, 9, 0), closes_at=london(2027, 10, 31, 17, 0))
    assert intake.closes_at == datetime(2027, 10, 31, 17, 0)
    lead_user = lead_of()
    with at_utc(2027, 10, 31, 16, 59, 59):
        lead.nominate(intake, lead_user.council, nominee(), lead_user)
    with at_utc(2027, 10, 31, 17, 0, 0), pytest.raises(IntakeError) as error:
        lead.nominate(intake, lead_user.council, nominee(email="second@council.gov.uk"), lead_user)
    assert str(error.value) == "The nomination window closed on 31 October 2027 at 5pm"


def test_closing_early_stops_nominations_at_once(lead_of, admin):
    intake = make_intake()
    lead_user = lead_of()
    services.close_early(intake, admin)
    with pytest.raises(IntakeError, match="The nomination window closed on"):
        lead.nominate(intake, lead_user.council, nominee(), lead_user)


def test_opening_early_lets_leads_nominate_now(lead_of, admin):
    intake = make_intake(opens_at=datetime(2099, 1, 1), closes_at=datetime(2099, 2, 1))
    lead_user = lead_of()
    services.open_early(intake, admin)
    assert lead.nominate(intake, lead_user.council, nominee(), lead_user).id


def test_a_window_that_is_already_open_cannot_be_opened_again(admin):
    with pytest.raises(IntakeError, match="already open"):
        services.open_early(make_intake(), admin)


def test_the_window_must_close_after_it_opens():
    details = IntakeDetails(make_course().id, "Backwards", datetime(2027, 3, 2), datetime(2027, 3, 1), date(2027, 4, 1), 3, 10)
    with pytest.raises(IntakeError) as error:
        services.create_intake(details, actor=None)
    assert (str(error.value), error.value.field) == ("The window must close after it opens", "closes_on")


# Signatories ---------------------------------------------------------------------------------


def test_a_council_that_has_not_signed_cannot_nominate(lead_of):
    lead_user = lead_of(make_council("Arun District Council", signed_on=None))
    with pytest.raises(IntakeError) as error:
        lead.nominate(make_intake(), lead_user.council, nominee(), lead_user)
    assert str(error.value).startswith("Arun District Council has not signed the Local Digital Declaration")
    assert db.session.scalar(select(func.count(Nomination.id))) == 0


def test_a_council_that_signs_on_the_day_the_window_closes_can_nominate(lead_of):
    intake = make_intake(closes_at=london(2027, 3, 14, 17, 0), opens_at=london(2027, 3, 1, 9, 0))
    lead_user = lead_of(make_council(signed_on=date(2027, 3, 14)))
    with at_utc(2027, 3, 14, 12, 0):
        assert lead.nominate(intake, lead_user.council, nominee(), lead_user).id


def test_a_council_that_signs_after_the_window_closes_cannot_nominate(lead_of):
    intake = make_intake(closes_at=london(2027, 3, 14, 17, 0), opens_at=london(2027, 3, 1, 9, 0))
    lead_user = lead_of(make_council(signed_on=date(2027, 3, 15)))
    with at_utc(2027, 3, 14, 12, 0), pytest.raises(IntakeError, match="has not signed"):
        lead.nominate(intake, lead_user.council, nominee(), lead_user)


# Places --------------------------------------------------------------------------------------


def test_a_lead_with_one_place_left_gets_it_and_the_next_is_refused(lead_of):
    intake = make_intake(places_per_council=3)
    lead_user = lead_of()
    for n in range(2):
        make_nomination(intake, lead_user.council, created_by=lead_user)
    assert services.council_places(intake, lead_user.council).remaining == 1
    lead.nominate(intake, lead_user.council, nominee(), lead_user)
    with pytest.raises(IntakeError) as error:
        lead.nominate(intake, lead_user.council, nominee("Kim Lee", "kim@council.gov.uk"), lead_user)
    assert str(error.value) == "Your council has used all 3 of its places"
    assert error.value.field is None


@pytest.mark.parametrize(
    ("status", "holds_a_place"),
    [
        (NominationStatus.SUBMITTED, True),
        (NominationStatus.ACCEPTED, True),
        (NominationStatus.WAITLISTED, True),
        (NominationStatus.DECLINED, False),
        (NominationStatus.WITHDRAWN, False),
    ],
)
def test_places_used_counts_every_nomination_not_declined_or_withdrawn(lead_of, status, holds_a_place):
    intake = make_intake(places_per_council=1)
    lead_user = lead_of()
    make_nomination(intake, lead_user.council, status, created_by=lead_user)
    assert services.council_places(intake, lead_user.council).used == (1 if holds_a_place else 0)


def test_a_council_override_gives_it_more_places_than_the_default(lead_of, admin):
    intake = make_intake(places_per_council=1)
    lead_user = lead_of()
    services.set_council_places(intake, lead_user.council, 2, admin)
    lead.nominate(intake, lead_user.council, nominee(), lead_user)
    lead.nominate(intake, lead_user.council, nominee("Kim Lee", "kim@council.gov.uk"), lead_user)
    with pytest.raises(IntakeError) as error:
        lead.nominate(intake, lead_user.council, nominee("Ann Other", "ann@council.gov.uk"), lead_user)
    assert str(error.value) == "Your council has used all 2 of its places"


def test_a_council_with_one_place_is_told_it_has_used_its_only_place(lead_of):
    intake = make_intake(places_per_council=1)
    lead_user = lead_of()
    lead.nominate(intake, lead_user.council, nominee(), lead_user)
    with pytest.raises(IntakeError, match="^Your council has used its only place$"):
        lead.nominate(intake, lead_user.council, nominee("Kim Lee", "kim@council.gov.uk"), lead_user)


def test_a_council_given_no_places_is_told_so(lead_of, admin):
    intake = make_intake()
    lead_user = lead_of()
    services.set_council_places(intake, lead_user.council, 0, admin)
    assert lead.why_cannot_nominate(intake, lead_user.council) == "Your council has no places on this intake"


def test_the_intake_total_caps_every_council(lead_of):
    intake = make_intake(places_per_council=3, total_places=2)
    first, second, third = lead_of(), lead_of(), lead_of()
    lead.nominate(intake, first.council, nominee("A One", "a@one.gov.uk"), first)
    lead.nominate(intake, second.council, nominee("B Two", "b@two.gov.uk"), second)
    with pytest.raises(IntakeError) as error:
        lead.nominate(intake, third.council, nominee("C Three", "c@three.gov.uk"), third)
    assert str(error.value) == "All 2 places on this intake have been taken"


def test_an_override_cannot_take_away_places_already_used(lead_of, admin):
    intake = make_intake(places_per_council=3)
    lead_user = lead_of(make_council("Adur District Council"))
    make_nomination(intake, lead_user.council, created_by=lead_user)
    make_nomination(intake, lead_user.council, created_by=lead_user)
    with pytest.raises(IntakeError) as error:
        services.set_council_places(intake, lead_user.council, 1, admin)
    assert str(error.value) == "Adur District Council has already used 2 places on this intake, so it needs at least 2"


def test_withdrawing_gives_the_place_back(lead_of):
    intake = make_intake(places_per_council=1)
    lead_user = lead_of()
    nomination = lead.nominate(intake, lead_user.council, nominee(), lead_user)
    lead.withdraw(nomination, lead_user)
    assert lead.nominate(intake, lead_user.council, nominee("Kim Lee", "kim@council.gov.uk"), lead_user).id


# One nomination per person per intake ---------------------------------------------------------


def test_the_same_email_cannot_be_nominated_twice_whatever_its_case(lead_of):
    intake = make_intake()
    lead_user = lead_of()
    lead.nominate(intake, lead_user.council, nominee(email="Sam.Jones@Council.gov.uk"), lead_user)
    with pytest.raises(IntakeError) as error:
        lead.nominate(intake, lead_user.council, nominee("Samuel Jones", " sam.jones@council.GOV.UK "), lead_user)
    assert (str(error.value), error.value.field) == ("Samuel Jones has already been nominated for this intake", "email")


def test_a_person_nominated_by_another_council_cannot_be_nominated_again_and_is_not_told_why(lead_of):
    intake = make_intake()
    first, second = lead_of(), lead_of()
    lead.nominate(intake, first.council, nominee(), first)
    with pytest.raises(IntakeError) as error:
        lead.nominate(intake, second.council, nominee(), second)
    assert (str(error.value), error.value.field) == (
        "You cannot nominate Sam Jones for this intake. Contact the programme team to find out why.",
        "email",
    )


def test_the_same_person_can_be_nominated_for_another_intake(lead_of):
    lead_user = lead_of()
    lead.nominate(make_intake(), lead_user.council, nominee(), lead_user)
    assert lead.nominate(make_intake(), lead_user.council, nominee(), lead_user).id


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(lead_of):
    from sqlalchemy.exc import IntegrityError

    intake = make_intake()
    lead_user = lead_of()
    make_nomination(intake, lead_user.council, created_by=lead_user, email="sam@council.gov.uk")
    with pytest.raises(IntegrityError):
        make_nomination(intake, lead_user.council, created_by=lead_user, email="sam@council.gov.uk")


def test_a_lead_may_nominate_themselves(lead_of):
    lead_user = lead_of()
    nomination = lead.nominate(make_intake(), lead_user.council, nominee(lead_user.name, lead_user.email.upper()), lead_user)
    assert nomination.email == lead_user.email


def test_a_nomination_needs_line_manager_support(lead_of):
    lead_user = lead_of()
    with pytest.raises(IntakeError) as error:
        lead.nominate(make_intake(), lead_user.council, nominee(line_manager_supports=False), lead_user)
    assert error.value.field == "line_manager_supports"


# Changing and withdrawing ---------------------------------------------------------------------


def test_a_lead_can_change_a_nomination_until_it_is_decided(lead_of, admin):
    from app.intakes.decisions import Decision, decide

    lead_user = lead_of()
    nomination = lead.nominate(make_intake(), lead_user.council, nominee(), lead_user)
    lead.update_nomination(nomination, nominee(job_title="Head of housing"), lead_user)
    assert nomination.job_title == "Head of housing"
    decide([nomination.id], Decision.WAITLIST, admin)
    with pytest.raises(IntakeError, match="can no longer be changed"):
        lead.update_nomination(nomination, nominee(job_title="Director"), lead_user)


def test_changing_the_email_to_one_already_nominated_is_refused(lead_of):
    intake = make_intake()
    lead_user = lead_of()
    lead.nominate(intake, lead_user.council, nominee("Kim Lee", "kim@council.gov.uk"), lead_user)
    nomination = lead.nominate(intake, lead_user.council, nominee(), lead_user)
    with pytest.raises(IntakeError, match="Kim Lee has already been nominated for this intake"):
        lead.update_nomination(nomination, nominee("Kim Lee", "KIM@council.gov.uk"), lead_user)


def test_a_declined_nomination_cannot_be_withdrawn(lead_of):
    lead_user = lead_of()
    nomination = make_nomination(make_intake(), lead_user.council, NominationStatus.DECLINED, created_by=lead_user)
    with pytest.raises(IntakeError, match="already been declined"):
        lead.withdraw(nomination, lead_user)


# Intake edits ---------------------------------------------------------------------------------


def test_total_places_cannot_drop_below_places_used(lead_of, admin):
    intake = make_intake(total_places=10)
    lead_user = lead_of()
    make_nomination(intake, lead_user.council, created_by=lead_user)
    make_nomination(intake, lead_user.council, created_by=lead_user)
    details = IntakeDetails(intake.course_id, intake.name, intake.opens_at, intake.closes_at, intake.cohorts_start_on, 3, 1)
    with pytest.raises(IntakeError) as error:
        services.update_intake(intake, details, admin)
    assert error.value.field == "total_places"
    assert str(error.value) == "2 places are already used on this intake, so there must be at least 2"


def test_every_change_to_an_intake_is_audited(admin):
    from app.audit.models import AuditEvent

    intake = make_intake(total_places=10)
    details = IntakeDetails(intake.course_id, "Renamed", intake.opens_at, intake.closes_at, intake.cohorts_start_on, 3, 12)
    services.update_intake(intake, details, admin)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "intake.updated"))
    assert event.changes["total_places"] == ["10", "12"]
    assert event.actor_id == admin.id


def test_nobody_gets_a_duplicate_account_from_nominating(lead_of):
    lead_user = lead_of()
    lead.nominate(make_intake(), lead_user.council, nominee(lead_user.name, lead_user.email), lead_user)
    assert db.session.scalar(select(func.count(User.id)).where(User.email == lead_user.email)) == 1
    assert Role.PARTICIPANT not in lead_user.roles  # a role only comes with acceptance
