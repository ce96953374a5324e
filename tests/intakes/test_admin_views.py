"""The programme team's pages: intakes, the CSV export and the queue of nominations."""

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.intakes import nominations as lead_services
from app.intakes.models import CouncilPlaces, Intake, NominationStatus
from app.mail.delivery import deliver_pending
from tests.factories import make_council, make_course, make_intake, make_nomination, make_user
from tests.intakes.test_services import nominee
from tests.pages import parse


def intake_form(course, **overrides):
    data = {
        "course": str(course.id),
        "name": "Spring 2027",
        "opens_on": ["20", "3", "2027"],
        "opens_at": "9am",
        "closes_on": ["28", "3", "2027"],
        "closes_at": "5pm",
        "cohorts_start_on": ["19", "4", "2027"],
        "places_per_council": "3",
        "total_places": "40",
    }
    return data | overrides


def test_creating_an_intake_stores_uk_times_as_utc_and_shows_them_in_uk_time(admin_client):
    course = make_course(title="Digital Leadership")
    response = admin_client.post("/admin/intakes/new", data=intake_form(course))
    assert response.status_code == 302
    intake = db.session.scalar(select(Intake))
    assert (intake.opens_at, intake.closes_at) == (datetime(2027, 3, 20, 9, 0), datetime(2027, 3, 28, 16, 0))
    page = parse(admin_client.get(response.headers["Location"]))
    assert "Spring 2027 has been created" in page.get_text()
    summary = page.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "Opens 20 March 2027 at 9am" in summary
    assert "Closes 28 March 2027 at 5pm" in summary


def test_a_bad_intake_form_says_what_is_wrong_beside_each_field_and_keeps_what_was_typed(admin_client):
    course = make_course()
    response = admin_client.post(
        "/admin/intakes/new",
        data=intake_form(course, name="", cohorts_start_on=["31", "2", "2027"], closes_at="half five", total_places="forty"),
    )
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one("#name-error").get_text(strip=True) == "Error:Enter a name for the intake"
    assert "The start date must be a real date" in page.select_one("#cohorts_start_on-error").get_text()
    assert "Enter the closing time like 9am or 5:30pm" in page.select_one("#closes_at-error").get_text()
    assert "Total places must be a whole number, like 40" in page.select_one("#total_places-error").get_text()
    assert page.select_one("#closes_at")["value"] == "half five"
    assert page.select_one("#total_places")["value"] == "forty"
    assert page.select_one("#cohorts_start_on-day")["value"] == "31"
    assert db.session.scalar(select(Intake)) is None


def test_a_time_the_clocks_skip_is_refused(admin_client):
    response = admin_client.post(
        "/admin/intakes/new", data=intake_form(make_course(), closes_at="1:30am")
    )
    assert "the clocks go forward" in parse(response).select_one("#closes_at-error").get_text()


def test_a_window_closing_before_it_opens_is_refused_beside_the_closing_date(admin_client):
    response = admin_client.post(
        "/admin/intakes/new", data=intake_form(make_course(), closes_on=["19", "3", "2027"])
    )
    assert "The window must close after it opens" in parse(response).select_one("#closes_on-error").get_text()


def test_editing_shows_the_stored_times_in_uk_time(admin_client):
    intake = make_intake(opens_at=datetime(2027, 3, 20, 9, 0), closes_at=datetime(2027, 3, 28, 16, 0))
    page = parse(admin_client.get(f"/admin/intakes/{intake.id}/edit"))
    assert page.select_one("#closes_at")["value"] == "5pm"
    assert [page.select_one(f"#closes_on-{part}")["value"] for part in ("day", "month", "year")] == ["28", "03", "2027"]


def test_closing_early_then_the_window_shows_closed(admin_client):
    intake = make_intake()
    assert admin_client.post(f"/admin/intakes/{intake.id}/close").status_code == 302
    page = parse(admin_client.get(f"/admin/intakes/{intake.id}"))
    assert "Nominations for" in page.get_text() and "are now closed" in page.get_text()
    assert "Closed on" in page.select_one(".govuk-summary-list").get_text()


def test_closing_a_window_that_is_already_closed_says_so(admin_client):
    intake = make_intake(opens_at=datetime(2020, 1, 1), closes_at=datetime(2020, 2, 1))
    response = admin_client.post(f"/admin/intakes/{intake.id}/close")
    assert response.status_code == 409
    page = parse(response)
    assert "The nomination window is not open" in page.select_one(".govuk-error-summary").get_text()


def test_opening_early(admin_client):
    intake = make_intake(opens_at=datetime(2099, 1, 1), closes_at=datetime(2099, 2, 1))
    admin_client.post(f"/admin/intakes/{intake.id}/open")
    assert "Open now" in parse(admin_client.get(f"/admin/intakes/{intake.id}")).select_one(".govuk-summary-list").get_text()


def test_giving_a_council_its_own_number_of_places_and_taking_it_back(admin_client):
    intake = make_intake(places_per_council=3)
    council = make_council("Birmingham City Council")
    admin_client.post(f"/admin/intakes/{intake.id}/places", data={"council": str(council.id), "places": "8"})
    page = parse(admin_client.get(f"/admin/intakes/{intake.id}"))
    assert "Birmingham City Council has 8 places" in page.get_text()
    assert [td.get_text(strip=True) for td in page.select("tbody tr")[0].select("td")][:2] == ["Birmingham City Council", "8"]
    admin_client.post(f"/admin/intakes/{intake.id}/places/{council.id}/remove")
    assert db.session.scalar(select(CouncilPlaces)) is None


def test_a_bad_number_of_places_is_refused_beside_the_field(admin_client):
    intake = make_intake()
    council = make_council()
    response = admin_client.post(f"/admin/intakes/{intake.id}/places", data={"council": str(council.id), "places": "-1"})
    page = parse(response)
    assert "Places must be between 0 and 1000" in page.select_one("#places-error").get_text()
    assert page.select_one("#council option[selected]")["value"] == str(council.id)


def test_the_intakes_list_shows_places_used(admin_client):
    intake = make_intake(name="Spring 2027", total_places=40)
    make_nomination(intake)
    make_nomination(intake, status=NominationStatus.DECLINED)
    row = parse(admin_client.get("/admin/intakes/")).select_one("tbody tr")
    assert "Spring 2027" in row.get_text()
    assert "1 of 40" in row.get_text()


# CSV export -----------------------------------------------------------------------------------


def test_the_export_is_utf8_with_a_bom_and_a_header_row(admin_client):
    intake = make_intake(name="Spring 2027")
    council = make_council("Ynys Môn County Council")
    make_nomination(intake, council, nominee_name="Siân Llŷr", email="sian@ynysmon.gov.uk")
    response = admin_client.get(f"/admin/intakes/{intake.id}/nominations.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="nominations-' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Council", "GSS code", "Nominee", "Email"]
    assert rows[1][0] == "Ynys Môn County Council"
    assert rows[1][2] == "Siân Llŷr"
    assert rows[1][8] == "Submitted"


def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(admin_client):
    intake = make_intake()
    lead = make_user("council_lead")
    make_nomination(
        intake,
        lead.council,
        created_by=lead,
        nominee_name="=HYPERLINK(\"http://evil.example\",\"click\")",
        job_title="+44 1903 221000",
        service_area="-2+3",
        reason="@SUM(A1:A2)",
        email="plain@council.gov.uk",
    )
    response = admin_client.get(f"/admin/intakes/{intake.id}/nominations.csv")
    row = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1]
    assert row[2] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row[4:7] == ["'+44 1903 221000", "'-2+3", "'@SUM(A1:A2)"]
    assert row[3] == "plain@council.gov.uk"


def test_the_export_of_one_intake_has_only_its_nominations(admin_client):
    intake, other = make_intake(), make_intake()
    make_nomination(intake, nominee_name="In this one")
    make_nomination(other, nominee_name="In the other")
    body = admin_client.get(f"/admin/intakes/{intake.id}/nominations.csv").data.decode("utf-8-sig")
    assert "In this one" in body and "In the other" not in body


# The queue of nominations


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

    adur_spring = parse(admin_client.get(f"/admin/nominations/?intake={spring.id}&council=ADUR"))
    assert sorted(names(adur_spring)) == ["Ann", "Bob"]
    assert counts(adur_spring)["Submitted"] == "1"
    assert counts(adur_spring)["Declined"] == "0"
    assert adur_spring.select_one("caption").get_text(strip=True) == "2 nominations"
    assert adur_spring.select_one("#council")["value"] == "ADUR"  # the search as typed

    assert names(parse(admin_client.get("/admin/nominations/?council=orthing"))) == ["Cat"]
    assert names(parse(admin_client.get("/admin/nominations/?council=100%25"))) == []  # % is a character, not a wildcard

    accepted = parse(admin_client.get(f"/admin/nominations/?intake={spring.id}&status=accepted"))
    assert names(accepted) == ["Bob"]
    assert counts(accepted)["Submitted"] == "2"  # counts ignore the status filter
    assert accepted.select_one("caption").get_text(strip=True) == "1 nomination"


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


def test_a_bad_bulk_decision_says_what_is_wrong_beside_each_field_and_keeps_the_reason_typed(admin_client):
    ann = make_nomination(make_intake(), nominee_name="Ann")
    typed = "<b>Too</b> long & " + "x" * 2000
    page = parse(admin_client.post("/admin/nominations/", data={"nominations": [ann.id], "reason": typed}))
    assert page.title.get_text().startswith("Error: ")
    summary = [(a["href"], a.get_text(strip=True)) for a in page.select(".govuk-error-summary a")]
    assert summary == [("#decision", "Choose a decision"), ("#reason", "Reason must be 2000 characters or fewer")]
    assert page.select_one("#decision-error").get_text(strip=True) == "Error:Choose a decision"
    assert page.select_one("#reason-error").get_text(strip=True) == "Error:Reason must be 2000 characters or fewer"
    assert page.select_one("textarea#reason").get_text() == typed
    assert "reason-error" in page.select_one("textarea#reason")["aria-describedby"]
    assert not page.select("input[name=decision][checked]")


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
