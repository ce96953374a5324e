"""Council leads: their intakes, nominating, changing, withdrawing, substituting; nobody else's."""

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.intakes.models import Nomination, NominationStatus
from tests.factories import make_council, make_intake, make_nomination, make_user
from tests.pages import parse


def link_named(page, text: str):
    """The link (or link-styled button) whose text is this, or None."""
    return next((a for a in page.select("main a") if a.get_text(strip=True) == text), None)


FORM = {
    "name": "Sam Jones",
    "email": "Sam.Jones@adur.gov.uk",
    "job_title": "Service manager",
    "service_area": "Housing",
    "reason": "Sam will lead the redesign of housing repairs.",
    "line_manager_supports": "y",
}


@pytest.fixture
def adur():
    return make_council("Adur District Council")


@pytest.fixture
def lead(adur):
    return make_user("council_lead", council=adur, name="Sarah Whitfield")


@pytest.fixture
def lead_client(login, lead):
    return login(lead)


def test_the_nominations_page_lists_intakes_with_the_councils_places(lead_client, lead):
    intake = make_intake(name="Spring 2027", places_per_council=3)
    make_nomination(intake, lead.council, created_by=lead)
    row = parse(lead_client.get("/nominations/")).select_one("tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[0] == "Spring 2027"
    assert cells[1].startswith("Open now, closes")
    assert cells[2:] == ["1 of 3", "2"]
    page = parse(lead_client.get(f"/nominations/intakes/{intake.id}"))
    assert link_named(page, "Nominate someone")
    assert "Places left 2" in page.select_one(".govuk-summary-list").get_text(" ", strip=True)


def test_a_lead_nominates_and_sees_the_nomination(lead_client, lead):
    intake = make_intake(name="Spring 2027")
    response = lead_client.post(f"/nominations/intakes/{intake.id}/nominate", data=FORM)
    assert response.status_code == 302
    page = parse(lead_client.get(response.headers["Location"]))
    assert "You have nominated Sam Jones" in page.get_text()
    row = page.select_one("tbody tr")
    assert "Sam Jones" in row.get_text() and "Submitted" in row.get_text()
    nomination = db.session.scalar(select(Nomination))
    assert (nomination.email, nomination.created_by_id) == ("sam.jones@adur.gov.uk", lead.id)


def test_with_one_place_left_one_nomination_succeeds_and_the_next_is_refused_keeping_what_was_typed(lead_client, lead):
    intake = make_intake(places_per_council=3)
    make_nomination(intake, lead.council, created_by=lead)
    make_nomination(intake, lead.council, created_by=lead)
    assert lead_client.post(f"/nominations/intakes/{intake.id}/nominate", data=FORM).status_code == 302
    second = FORM | {"name": "Kim Lee", "email": "kim@adur.gov.uk", "reason": "Kim will lead our data work."}
    page = parse(lead_client.post(f"/nominations/intakes/{intake.id}/nominate", data=second))
    assert page.title.get_text().startswith("Error: ")
    assert "Your council has used all 3 of its places" in page.select_one(".govuk-error-summary").get_text()
    assert "Your council has used all 3 of its places" in page.select_one("#name-error").get_text()
    assert page.select_one("#name")["value"] == "Kim Lee"
    assert page.select_one("#email")["value"] == "kim@adur.gov.uk"
    assert page.select_one("#reason").get_text() == "Kim will lead our data work."
    assert page.select_one("#line_manager_supports").has_attr("checked")
    assert db.session.scalar(select(func.count(Nomination.id))) == 3


def test_a_duplicate_is_refused_beside_the_email(lead_client, lead):
    intake = make_intake()
    make_nomination(intake, lead.council, created_by=lead, email="sam.jones@adur.gov.uk")
    page = parse(lead_client.post(f"/nominations/intakes/{intake.id}/nominate", data=FORM | {"name": "Samuel Jones"}))
    assert "Samuel Jones has already been nominated for this intake" in page.select_one("#email-error").get_text()


def test_missing_answers_are_each_named(lead_client):
    intake = make_intake()
    page = parse(lead_client.post(f"/nominations/intakes/{intake.id}/nominate", data={"name": "Sam Jones"}))
    summary = page.select_one(".govuk-error-summary").get_text()
    for message in (
        "Enter an email address",
        "Enter their job title",
        "Enter their service area",
        "Enter why you are nominating this person and the change they will lead",
        "Confirm that their line manager supports this nomination",
    ):
        assert message in summary
    assert page.select_one("#name")["value"] == "Sam Jones"


def test_a_closed_window_is_explained_and_offers_no_form(login, lead):
    intake = make_intake(opens_at=datetime(2027, 3, 1, 9), closes_at=datetime(2027, 3, 14, 17))
    with time_machine.travel("2027-03-20 12:00+00:00", tick=False):
        page = parse(login(lead).get(f"/nominations/intakes/{intake.id}/nominate"))
    assert page.select_one("#why-not").get_text() == "The nomination window closed on 14 March 2027 at 5pm"
    assert page.select_one("form input[name=email]") is None


def test_a_window_closing_while_the_lead_types_is_refused_on_the_form(login, lead):
    intake = make_intake(opens_at=datetime(2027, 3, 1, 9), closes_at=datetime(2027, 3, 14, 17))
    with time_machine.travel("2027-03-14 16:59+00:00", tick=False):
        client = login(lead)
        assert client.get(f"/nominations/intakes/{intake.id}/nominate").status_code == 200
    with time_machine.travel("2027-03-14 17:00+00:00", tick=False):
        page = parse(client.post(f"/nominations/intakes/{intake.id}/nominate", data=FORM))
    assert "The nomination window closed on 14 March 2027 at 5pm" in page.select_one("#name-error").get_text()
    assert page.select_one("#email")["value"] == "Sam.Jones@adur.gov.uk"


def test_the_lead_of_a_council_that_has_not_signed_sees_why_they_cannot_nominate(login):
    arun = make_council("Arun District Council", signed_on=None)
    client = login(make_user("council_lead", council=arun))
    intake = make_intake()
    index = parse(client.get("/nominations/"))
    assert "Arun District Council has not signed the Local Digital Declaration" in index.select_one(".govuk-inset-text").get_text()
    page = parse(client.get(f"/nominations/intakes/{intake.id}"))
    assert "has not signed the Local Digital Declaration" in page.select_one("#why-not").get_text()
    assert "Places left" not in page.select_one(".govuk-summary-list").get_text()
    assert not link_named(page, "Nominate someone")
    refused = parse(client.post(f"/nominations/intakes/{intake.id}/nominate", data=FORM))
    assert "has not signed the Local Digital Declaration" in refused.select_one("#name-error").get_text()
    assert db.session.scalar(select(func.count(Nomination.id))) == 0


def test_a_lead_whose_council_has_not_signed_is_never_offered_nominating_and_is_told_how_to_sign(login):
    arun = make_council("Arun District Council", signed_on=None)
    client = login(make_user("council_lead", council=arun))
    intake = make_intake()
    for url in ("/", "/nominations/", f"/nominations/intakes/{intake.id}", "/our-people/"):
        main = parse(client.get(url)).main
        text = main.get_text(" ", strip=True)
        assert "Nominate staff" not in text and "Nominate someone" not in text, url
        assert "Places used" not in text and "Places left" not in text, url
        assert "Arun District Council has not signed the Local Digital Declaration" in text, url
        assert "localdigital.gov.uk" in text, url
        assert main.select_one('#why-not a[href="mailto:digital-leadership@programme.example"]'), url


def test_a_lead_changes_a_submitted_nomination(lead_client, lead):
    nomination = make_nomination(make_intake(), lead.council, created_by=lead, nominee_name="Sam Jones", email="sam@adur.gov.uk")
    assert link_named(parse(lead_client.get(f"/nominations/{nomination.id}")), "Change the nomination")
    form = parse(lead_client.get(f"/nominations/{nomination.id}/edit"))
    assert form.select_one("#name")["value"] == "Sam Jones"
    lead_client.post(f"/nominations/{nomination.id}/edit", data=FORM | {"email": "sam@adur.gov.uk", "job_title": "Head of housing"})
    assert nomination.job_title == "Head of housing"


def test_a_decided_nomination_cannot_be_changed(lead_client, lead):
    nomination = make_nomination(make_intake(), lead.council, NominationStatus.ACCEPTED, created_by=lead)
    response = lead_client.post(f"/nominations/{nomination.id}/edit", data=FORM)
    assert response.headers["Location"] == f"/nominations/{nomination.id}"
    assert nomination.nominee_name != "Sam Jones"
    assert not link_named(parse(lead_client.get(f"/nominations/{nomination.id}")), "Change the nomination")


def test_a_lead_withdraws_after_confirming(lead_client, lead):
    nomination = make_nomination(make_intake(), lead.council, created_by=lead, nominee_name="Sam Jones")
    confirm = parse(lead_client.get(f"/nominations/{nomination.id}/withdraw"))
    assert confirm.h1.get_text() == "Withdraw the nomination of Sam Jones?"
    lead_client.post(f"/nominations/{nomination.id}/withdraw")
    assert nomination.status is NominationStatus.WITHDRAWN


def test_a_lead_asks_to_substitute_an_accepted_nominee(lead_client, lead):
    nomination = make_nomination(make_intake(), lead.council, NominationStatus.ACCEPTED, created_by=lead, nominee_name="Amira Hassan")
    assert link_named(parse(lead_client.get(f"/nominations/{nomination.id}")), "Ask to substitute someone")
    response = lead_client.post(f"/nominations/{nomination.id}/substitute", data=FORM)
    assert response.status_code == 302
    page = parse(lead_client.get(response.headers["Location"]))
    assert "You have asked to substitute Sam Jones for Amira Hassan" in page.get_text()
    assert "You have asked for Sam Jones (sam.jones@adur.gov.uk) to take this place" in page.select_one(".govuk-inset-text").get_text()


def test_substitution_is_not_offered_once_the_cohorts_have_started(lead_client, lead):
    nomination = make_nomination(
        make_intake(cohorts_start_on=date(2020, 1, 1)), lead.council, NominationStatus.ACCEPTED, created_by=lead
    )
    assert not link_named(parse(lead_client.get(f"/nominations/{nomination.id}")), "Ask to substitute someone")
    page = parse(lead_client.get(f"/nominations/{nomination.id}/substitute"))
    assert "the cohorts for this intake started on 1 January 2020" in page.select_one("#why-not").get_text()


# Authorisation --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["", "/edit", "/withdraw", "/substitute"])
def test_a_lead_gets_404_for_another_councils_nomination(lead_client, action):
    other_lead = make_user("council_lead", council=make_council("Worthing Borough Council"))
    theirs = make_nomination(make_intake(), other_lead.council, NominationStatus.ACCEPTED, created_by=other_lead)
    assert lead_client.get(f"/nominations/{theirs.id}{action}").status_code == 404
    if action:
        assert lead_client.post(f"/nominations/{theirs.id}{action}", data=FORM).status_code == 404
    assert theirs.status is NominationStatus.ACCEPTED and not theirs.substitution_pending


def test_a_lead_sees_only_their_own_councils_nominations_on_an_intake(lead_client, lead):
    intake = make_intake()
    make_nomination(intake, lead.council, created_by=lead, nominee_name="Ours")
    make_nomination(intake, make_council(), nominee_name="Theirs")
    names = [a.get_text() for a in parse(lead_client.get(f"/nominations/intakes/{intake.id}")).select("tbody a")]
    assert names == ["Ours"]


@pytest.mark.parametrize(
    "url",
    [
        "/nominations/",
        "/nominations/intakes/{intake}",
        "/nominations/intakes/{intake}/nominate",
        "/nominations/{nomination}",
        "/admin/nominations/",
        "/admin/nominations/{nomination}",
        "/admin/intakes/",
        "/admin/intakes/{intake}",
        "/admin/intakes/{intake}/nominations.csv",
    ],
)
def test_a_participant_reaches_none_of_it(login, adur, url):
    participant = make_user("participant", council=adur)
    intake = make_intake()
    nomination = make_nomination(intake, adur)
    response = login(participant).get(url.format(intake=intake.id, nomination=nomination.id))
    assert response.status_code == 404


def test_a_participant_cannot_nominate(login, adur):
    participant = make_user("participant", council=adur)
    intake = make_intake()
    assert login(participant).post(f"/nominations/intakes/{intake.id}/nominate", data=FORM).status_code == 404
    assert db.session.scalar(select(func.count(Nomination.id))) == 0


def test_the_leads_intake_list_takes_the_same_number_of_queries_for_1_or_10_intakes(lead_client, lead, count_queries):
    def index_queries() -> int:
        lead_client.get("/nominations/")
        with count_queries() as counter:
            lead_client.get("/nominations/")
        return counter.count

    make_nomination(make_intake(), lead.council, created_by=lead)
    one = index_queries()
    for _ in range(9):
        make_nomination(make_intake(), lead.council, created_by=lead)
    assert index_queries() == one


def test_home_pages_link_to_nominations(lead_client, admin_client):
    lead_links = [a["href"] for a in parse(lead_client.get("/")).select("main .app-card a")]
    assert "/nominations/" in lead_links
    admin_links = [a["href"] for a in parse(admin_client.get("/")).select("main .app-card a")]
    assert {"/admin/intakes/", "/admin/nominations/"} <= set(admin_links)
