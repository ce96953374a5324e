"""The programme team's queue of nominations."""

import pytest

from app.intakes import nominations as lead_services
from app.intakes.models import NominationStatus
from app.mail.delivery import deliver_pending
from tests.factories import make_council, make_intake, make_nomination, make_user
from tests.intakes.test_services import nominee
from tests.pages import parse


def names(page) -> list[str]:
    return [a.get_text() for a in page.select("tbody td:nth-of-type(2) a")]


def counts(page) -> dict[str, str]:
    return {
        li.select_one("a").get_text(): li.select_one("strong").get_text() for li in page.select("#counts li")
    }


@pytest.fixture
def adur():
    return make_council("Adur District Council")


@pytest.fixture
def lead(adur):
    return make_user("council_lead", council=adur, email="sarah@adur.gov.uk")


def test_the_queue_filters_by_intake_council_and_status_and_counts_each_status(admin_client, adur, lead):
    spring, autumn = make_intake(name="Spring"), make_intake(name="Autumn")
    worthing = make_council("Worthing Borough Council")
    make_nomination(spring, adur, created_by=lead, nominee_name="Ann")
    make_nomination(spring, adur, NominationStatus.ACCEPTED, created_by=lead, nominee_name="Bob")
    make_nomination(spring, worthing, nominee_name="Cat")
    make_nomination(autumn, adur, NominationStatus.DECLINED, created_by=lead, nominee_name="Dan")

    everything = parse(admin_client.get("/admin/nominations/"))
    assert sorted(names(everything)) == ["Ann", "Bob", "Cat", "Dan"]
    assert counts(everything)["Submitted"] == "2"
    assert counts(everything)["Declined"] == "1"

    adur_spring = parse(admin_client.get(f"/admin/nominations/?intake={spring.id}&council={adur.id}"))
    assert sorted(names(adur_spring)) == ["Ann", "Bob"]
    assert counts(adur_spring)["Submitted"] == "1"
    assert counts(adur_spring)["Declined"] == "0"

    accepted = parse(admin_client.get(f"/admin/nominations/?intake={spring.id}&status=accepted"))
    assert names(accepted) == ["Bob"]
    assert counts(accepted)["Submitted"] == "2"  # counts ignore the status filter


def test_the_queue_pages(admin_client):
    intake = make_intake()
    for n in range(30):
        make_nomination(intake, nominee_name=f"Nominee {n:02d}")
    first = parse(admin_client.get("/admin/nominations/"))
    assert len(first.select("tbody tr")) == 25
    assert first.select_one(".govuk-pagination")
    assert len(parse(admin_client.get("/admin/nominations/?page=2")).select("tbody tr")) == 5


def test_an_offer_to_confirm_shows_first_in_the_queue(admin_client, adur, lead, admin):
    from app.intakes.decisions import Decision, decide

    intake = make_intake()
    make_nomination(intake, adur, created_by=lead, nominee_name="Early submission")
    accepted = make_nomination(intake, adur, NominationStatus.ACCEPTED, created_by=lead, nominee_name="Amira")
    leo = make_nomination(intake, adur, created_by=lead, nominee_name="Leo")
    decide([leo.id], Decision.WAITLIST, admin)
    lead_services.withdraw(accepted, lead)
    from app.extensions import db

    db.session.commit()
    page = parse(admin_client.get("/admin/nominations/"))
    first_row = page.select_one("tbody tr")
    assert "Leo" in first_row.get_text() and "Place offered" in first_row.get_text()
    assert counts(page)["Places offered, to confirm"] == "1"
    assert names(parse(admin_client.get("/admin/nominations/?status=offered"))) == ["Leo"]


def test_accepting_several_at_once_emails_each_over_smtp(admin_client, adur, lead, smtp):
    intake = make_intake(name="Spring 2027")
    ann = make_nomination(intake, adur, created_by=lead, nominee_name="Ann", email="ann@adur.gov.uk")
    bob = make_nomination(intake, adur, created_by=lead, nominee_name="Bob", email="bob@adur.gov.uk")
    response = admin_client.post("/admin/nominations/?status=submitted", data={"nominations": [ann.id, bob.id], "decision": "accept"})
    assert response.headers["Location"] == "/admin/nominations/?status=submitted"
    assert "Accepted 2 nominations" in parse(admin_client.get(response.headers["Location"])).get_text()
    assert ann.status is bob.status is NominationStatus.ACCEPTED
    deliver_pending()
    assert sorted(m["Subject"] for m in smtp.to("sarah@adur.gov.uk")) == [
        "Nomination accepted: Ann, Spring 2027",
        "Nomination accepted: Bob, Spring 2027",
    ]
    for address in ("ann@adur.gov.uk", "bob@adur.gov.uk"):
        assert "Set up your Digital Leadership Programme account" in [m["Subject"] for m in smtp.to(address)]


def test_declining_without_a_reason_keeps_the_selection(admin_client, adur, lead):
    intake = make_intake()
    ann = make_nomination(intake, adur, created_by=lead, nominee_name="Ann")
    bob = make_nomination(intake, adur, created_by=lead, nominee_name="Bob")
    page = parse(admin_client.post("/admin/nominations/", data={"nominations": [ann.id], "decision": "decline"}))
    assert page.title.get_text().startswith("Error: ")
    assert "Enter the reason for declining" in page.select_one("#reason-error").get_text()
    assert page.select_one(f"#select-{ann.id}").has_attr("checked")
    assert not page.select_one(f"#select-{bob.id}").has_attr("checked")
    assert page.select_one("#decision-3").has_attr("checked")
    assert ann.status is NominationStatus.SUBMITTED


def test_deciding_with_nothing_selected_says_so(admin_client):
    make_nomination(make_intake())
    page = parse(admin_client.post("/admin/nominations/", data={"decision": "accept"}))
    assert "Select at least one nomination" in page.select_one("#nominations-error").get_text()


def test_a_decision_one_of_them_cannot_take_changes_none_of_them(admin_client, adur, lead):
    intake = make_intake()
    ann = make_nomination(intake, adur, created_by=lead, nominee_name="Ann")
    bob = make_nomination(intake, adur, NominationStatus.DECLINED, created_by=lead, nominee_name="Bob")
    page = parse(admin_client.post("/admin/nominations/", data={"nominations": [ann.id, bob.id], "decision": "waitlist"}))
    assert "Bob has already been declined" in page.select_one("#nominations-error").get_text()
    assert ann.status is NominationStatus.SUBMITTED


def test_deciding_one_nomination_from_its_page(admin_client, adur, lead):
    nomination = make_nomination(make_intake(), adur, created_by=lead, nominee_name="Ann")
    page = parse(admin_client.get(f"/admin/nominations/{nomination.id}"))
    assert [i["value"] for i in page.select("input[name=decision]")] == ["accept", "waitlist", "decline"]
    refused = parse(admin_client.post(f"/admin/nominations/{nomination.id}/decide", data={"decision": "decline"}))
    assert "Enter the reason for declining" in refused.select_one("#reason-error").get_text()
    admin_client.post(f"/admin/nominations/{nomination.id}/decide", data={"decision": "decline", "reason": "No budget"})
    page = parse(admin_client.get(f"/admin/nominations/{nomination.id}"))
    assert "Declined Ann" in page.get_text()
    assert "No budget" in page.select_one(".govuk-summary-list").get_text()
    assert "Declined" in page.select_one("table").get_text()  # the history
    assert not page.select("input[name=decision]")


def test_the_programme_team_approves_a_substitution_from_the_nomination_page(admin_client, adur, lead, smtp):
    original = make_nomination(make_intake(), adur, NominationStatus.ACCEPTED, created_by=lead, nominee_name="Amira Hassan")
    lead_services.request_substitution(original, nominee("Kim Lee", "kim@adur.gov.uk"), lead)
    from app.extensions import db

    db.session.commit()
    assert names(parse(admin_client.get("/admin/nominations/?status=substitution"))) == ["Amira Hassan"]
    page = parse(admin_client.get(f"/admin/nominations/{original.id}"))
    assert "kim@adur.gov.uk" in page.get_text()
    refused = parse(admin_client.post(f"/admin/nominations/{original.id}/substitution", data={"substitution-decision": "decline"}))
    assert "Enter the reason for declining the substitution" in refused.select_one("#substitution-reason-error").get_text()
    response = admin_client.post(f"/admin/nominations/{original.id}/substitution", data={"substitution-decision": "approve"})
    assert response.status_code == 302
    page = parse(admin_client.get(response.headers["Location"]))
    assert page.h1.get_text() == "Kim Lee"
    assert "Kim Lee has been given the place of Amira Hassan" in page.get_text()
    assert original.status is NominationStatus.WITHDRAWN


def test_the_queue_takes_the_same_number_of_queries_for_5_or_50_nominations(admin_client, count_queries):
    intake = make_intake()
    councils = [make_council() for _ in range(5)]

    def queue_queries() -> tuple[int, int]:
        admin_client.get("/admin/nominations/")  # the signed-in user is loaded the same way each time
        with count_queries() as counter:
            page = parse(admin_client.get("/admin/nominations/?status=submitted"))
        return counter.count, len(page.select("tbody tr"))

    for n in range(5):
        make_nomination(intake, councils[n])  # each by a different lead, in a different council
    five = queue_queries()
    for n in range(45):
        make_nomination(intake, councils[n % 5])
    fifty = queue_queries()
    assert (five[1], fifty[1]) == (5, 25)
    assert five[0] == fifty[0]
