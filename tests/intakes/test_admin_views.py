"""The programme team's intake pages and the CSV export."""

import csv
import io
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.intakes.models import CouncilPlaces, Intake, NominationStatus
from tests.factories import make_council, make_course, make_intake, make_nomination, make_user
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
