"""The programme team's overview and intake reports, against figures worked out by hand."""

import csv
import io

from app.extensions import db
from app.intakes.models import NominationStatus
from app.reports.figures import by_cohort, outcomes
from app.reports.intake import council_places, places_totals
from app.reports.overview import intake_reports, programme_report
from tests.factories import make_intake
from tests.pages import parse


def served(response):
    """The page, once it is sure it was served."""
    assert response.status_code == 200, response.status_code
    return parse(response)


def table(page, id) -> list[list[str]]:
    """A table's body as text, row by row, its row headers first."""
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in page.select(f"#{id} tbody tr")
    ]


def csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_programme_figures_match_the_hand_count(programme):
    report = programme_report()
    assert report.signatories == 3
    assert report.nominations.councils_using_places == 3
    assert report.nominations.councils_accepted == 3
    assert report.take_up.percent == 100
    o = report.outcomes
    assert (o.cohorts, o.capacity, o.participants, o.completed) == (3, 9, 4, 2)
    assert (o.completion.part, o.completion.whole, o.completion.percent) == (2, 5, 40)
    assert (o.attended, o.counted, o.attendance.percent) == (4, 7, 57)
    assert o.certificates == 2  # the revoked one does not count


def test_each_intakes_figures_match_the_hand_count(programme):
    spring, autumn = intake_reports([programme.spring, programme.autumn])
    assert spring.nominations.by_status == {
        NominationStatus.SUBMITTED: 1, NominationStatus.ACCEPTED: 3, NominationStatus.WAITLISTED: 1,
        NominationStatus.DECLINED: 1, NominationStatus.WITHDRAWN: 1,
    }
    assert (spring.nominations.places_used, spring.places.percent) == (5, 50)
    assert (spring.nominations.councils_using_places, spring.nominations.councils_accepted) == (2, 2)
    o = spring.outcomes
    assert (o.cohorts, o.capacity, o.participants, o.fill.percent) == (2, 6, 2, 33)
    assert (o.completed, o.completion.whole, o.completion.percent) == (1, 3, 33)
    assert (o.attended, o.counted, o.attendance.percent, o.certificates) == (3, 5, 60, 1)

    assert autumn.nominations.by_status == {NominationStatus.ACCEPTED: 2}
    assert (autumn.nominations.places_used, autumn.nominations.councils_using_places) == (2, 1)
    o = autumn.outcomes
    assert (o.cohorts, o.capacity, o.participants, o.completed, o.completion.whole) == (1, 3, 2, 1, 2)
    assert (o.attendance.percent, o.certificates) == (50, 1)


def test_each_cohorts_figures_match_the_hand_count(programme):
    results = outcomes(by_cohort([programme.alpha.id, programme.gamma.id]))
    alpha = results[programme.alpha.id]
    assert (alpha.capacity, alpha.participants, alpha.fill.percent) == (4, 2, 50)
    assert (alpha.completed, alpha.completion.whole) == (1, 3)  # the withdrawn participant started
    assert (alpha.attended, alpha.counted) == (3, 5)  # excused and cancelled do not count
    gamma = results[programme.gamma.id]
    assert (gamma.participants, gamma.completed, gamma.attended, gamma.counted, gamma.certificates) == (2, 1, 1, 2, 1)


def test_places_by_council_list_signatories_with_their_allocation_and_use(programme):
    rows = db.session.execute(council_places(programme.spring)).all()
    assert [(r.name, r.allocated, r.used, r.accepted, r.nominated) for r in rows] == [
        ("A Council", 3, 3, 2, 3), ("B Council", 5, 2, 1, 3), ("C Council", 3, 0, 0, 1),
    ]
    totals = places_totals(programme.spring)
    assert (totals.councils, totals.allocated, totals.used) == (3, 11, 5)


def test_the_overview_page_shows_each_table_beside_its_chart(admin_client, programme):
    page = served(admin_client.get("/admin/reports/"))
    assert page.h1.get_text() == "Programme overview"
    for svg in page.select("svg"):
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.select_one(f"#{title_id}").name == "title"
        assert svg.select_one(f"#{desc_id}").name == "desc"
        assert "style" not in str(svg), "the Content Security Policy forbids inline styles"
    charts = {svg.select_one("title").get_text() for svg in page.select("svg")}
    assert charts == {"Take-up by signatory councils", "Places used on each intake",
                      "Completion and attendance on each intake"}
    assert table(page, "places-table") == [
        ["Spring 2027", "10", "5", "1", "3", "1", "1", "1", "2"],
        ["Autumn 2026", "6", "2", "0", "2", "0", "0", "0", "1"],
    ]
    assert table(page, "outcomes-table") == [
        ["Spring 2027", "2", "6", "2", "33%", "1", "33%", "60%", "1"],
        ["Autumn 2026", "1", "3", "2", "67%", "1", "50%", "50%", "1"],
    ]
    chart_text = page.select_one("svg:has(#places-by-intake-title)").get_text(" ")
    assert "5 used" in chart_text and "10 on offer" in chart_text


def test_the_overview_csvs_hold_the_same_rows_as_the_tables(admin_client, programme):
    rows = csv_rows(admin_client.get("/admin/reports/intakes-places.csv"))
    assert rows[0] == ["Intake", "Places on offer", "Places used", "Submitted", "Accepted", "On the waiting list",
                       "Declined", "Withdrawn", "Councils that took up places"]
    assert rows[1:] == [["Spring 2027", "10", "5", "1", "3", "1", "1", "1", "2"],
                        ["Autumn 2026", "6", "2", "0", "2", "0", "0", "0", "1"]]
    rows = csv_rows(admin_client.get("/admin/reports/intakes-outcomes.csv"))
    assert rows[1] == ["Spring 2027", "2", "6", "2", "33%", "1", "33%", "60%", "1"]
    rows = csv_rows(admin_client.get("/admin/reports/take-up.csv"))
    assert rows == [["Signatory councils", "Councils that took up places", "Councils with staff accepted"],
                    ["3", "3", "3"]]


def test_the_intake_report_shows_nominations_cohorts_and_their_csvs(admin_client, programme):
    page = served(admin_client.get(f"/admin/reports/intakes/{programme.spring.id}"))
    assert table(page, "nominations-table") == [
        ["Submitted", "1"], ["Accepted", "3"], ["On the waiting list", "1"], ["Declined", "1"], ["Withdrawn", "1"],
    ]
    assert table(page, "cohorts-table") == [
        ["Alpha", "4", "2", "50%", "1", "33%", "60%", "1"],
        ["Beta", "2", "0", "0%", "0", "– No figure yet", "– No figure yet", "0"],
    ]
    assert "2 of 3" in page.find("dt", string=lambda s: "Councils that took up" in s).find_next("dd").get_text()
    nominations = csv_rows(admin_client.get(f"/admin/reports/intakes/{programme.spring.id}/nominations.csv"))
    assert nominations[0] == ["Status", "Nominations"] and nominations[2] == ["Accepted", "3"]
    response = admin_client.get(f"/admin/reports/intakes/{programme.spring.id}/cohorts.csv")
    assert 'filename="spring-2027-cohorts.csv"' in response.headers["Content-Disposition"]
    assert csv_rows(response)[1:] == [["Alpha", "4", "2", "50%", "1", "33%", "60%", "1"],
                                      ["Beta", "2", "0", "0%", "0", "", "", "0"]]


def test_places_by_council_page_and_csv(admin_client, programme):
    page = served(admin_client.get(f"/admin/reports/intakes/{programme.spring.id}/councils"))
    assert [row[:4] for row in table(page, "councils-table")] == [
        ["A Council", programme.councils[0].gss_code, "3", "3"],
        ["B Council", programme.councils[1].gss_code, "5", "2"],
        ["C Council", programme.councils[2].gss_code, "3", "0"],
    ]
    assert "D Council" not in page.get_text()
    rows = csv_rows(admin_client.get(f"/admin/reports/intakes/{programme.spring.id}/councils.csv"))
    assert rows[0] == ["Council", "GSS code", "Places allocated", "Places used", "Accepted", "Nominations made"]
    assert rows[2] == ["B Council", programme.councils[1].gss_code, "5", "2", "1", "3"]


def test_an_intake_named_like_a_formula_exports_as_text(admin_client, programme):
    programme.spring.name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    rows = csv_rows(admin_client.get("/admin/reports/intakes-places.csv"))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil.example\",\"x\")"


def test_the_overview_pages_through_intakes_ten_at_a_time(admin_client):
    for n in range(12):
        make_intake(name=f"Round {n:02d}")
    first = served(admin_client.get("/admin/reports/"))
    assert len(table(first, "places-table")) == 10
    second = served(admin_client.get("/admin/reports/?page=2"))
    assert len(table(second, "places-table")) == 2


def test_the_intake_page_and_the_home_page_lead_to_the_reports(admin_client, programme):
    intake_page = served(admin_client.get(f"/admin/intakes/{programme.spring.id}"))
    assert intake_page.find("a", string=lambda s: s and s.strip() == "Report")["href"] == f"/admin/reports/intakes/{programme.spring.id}"
    home = served(admin_client.get("/"))
    assert home.select_one('main a[href="/admin/reports/"]').get_text() == "Programme overview"
