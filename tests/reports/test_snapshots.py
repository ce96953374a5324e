"""The report pages show figures counted ahead; CSVs, the scheduler, the CLI and a button count them."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.intakes.models import NominationStatus
from app.reminders import jobs
from app.reminders.models import SchedulerJobRun
from app.reminders.scheduler import job_specs
from app.reports import intake as intake_report
from app.reports import overview
from app.reports.models import ReportSnapshot
from app.reports.snapshots import count_all
from app.timeutil import format_when, utcnow
from tests.conftest import csrf_token_from
from tests.factories import (
    make_cohort,
    make_council,
    make_course,
    make_course_version,
    make_intake,
    make_nomination,
    make_user,
)
from tests.reports.test_overview import csv_rows, served, table


def as_shown(rows) -> list[list[str]]:
    """Rows of plain values as a figures table shows them: an empty cell says there is no figure."""
    return [[str(cell) if cell != "" else "– No figure yet" for cell in row] for row in rows]


def nominations_shown(client, intake) -> dict[str, str]:
    return dict(table(served(client.get(f"/admin/reports/intakes/{intake.id}")), "nominations-table"))


def test_after_counting_every_page_shows_the_live_figures(admin_client, programme):
    count_all(utcnow())
    db.session.commit()
    page = served(admin_client.get("/admin/reports/"))
    reports = overview.every_intake_report()
    assert table(page, "places-table") == as_shown(overview.places_rows(reports))
    assert table(page, "outcomes-table") == as_shown(overview.outcomes_rows(reports))
    for intake in (programme.spring, programme.autumn):
        page = served(admin_client.get(f"/admin/reports/intakes/{intake.id}"))
        assert table(page, "cohorts-table") == as_shown(intake_report.cohort_rows(intake_report.cohort_figures(intake)))
        page = served(admin_client.get(f"/admin/reports/intakes/{intake.id}/councils"))
        assert table(page, "councils-table") == as_shown(
            intake_report.council_rows(intake_report.council_place_rows(intake)))


def test_a_new_nomination_shows_once_counted_again_but_at_once_in_the_csv(admin_client, admin, programme):
    spring = programme.spring
    assert nominations_shown(admin_client, spring)["Submitted"] == "1"  # the first visit counts
    make_nomination(spring, programme.councils[2], NominationStatus.SUBMITTED)
    db.session.commit()

    assert nominations_shown(admin_client, spring)["Submitted"] == "1"
    assert csv_rows(admin_client.get(f"/admin/reports/intakes/{spring.id}/nominations.csv"))[1] == ["Submitted", "2"]

    response = admin_client.post(f"/admin/reports/intakes/{spring.id}")
    assert response.status_code == 302 and response.location == f"/admin/reports/intakes/{spring.id}"
    page = served(admin_client.get(response.location))
    assert "The figures have been counted again" in page.get_text()
    assert dict(table(page, "nominations-table"))["Submitted"] == "2"
    places = served(admin_client.get("/admin/reports/"))
    assert table(places, "places-table")[0][:4] == ["Spring 2027", "10", "6", "2"]  # every page was recounted
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.counted_again"))
    assert (event.actor_id, event.changes) == (admin.id, {"page": f"intake:{spring.id}"})


def test_count_again_keeps_the_page_number_and_needs_the_forms_token(admin_client, programme, csrf_enabled):
    url = f"/admin/reports/intakes/{programme.spring.id}/councils"
    assert admin_client.post(url).status_code == 400
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.counted_again")) is None
    token = csrf_token_from(admin_client.get(url).get_data(as_text=True))
    response = admin_client.post(f"{url}?page=2", data={"csrf_token": token})
    assert response.location == f"{url}?page=2"
    assert db.session.scalar(select(AuditEvent.changes).where(AuditEvent.action == "report.counted_again")) == {
        "page": f"councils:{programme.spring.id}"}


def test_an_intakes_places_on_offer_show_at_once_beside_the_figures_as_counted(admin_client, programme):
    spring = programme.spring
    url = f"/admin/reports/intakes/{spring.id}"

    def places_on_offer():
        page = served(admin_client.get(url))
        term = page.find("dt", string="Places on offer")
        return term.find_next_sibling("dd").get_text(strip=True), dict(table(page, "nominations-table"))["Submitted"]

    before, submitted = places_on_offer()
    spring.total_places = int(before) + 5
    make_nomination(spring, programme.councils[2], NominationStatus.SUBMITTED)
    db.session.commit()
    assert places_on_offer() == (str(int(before) + 5), submitted)  # the nomination waits for a count


def test_each_page_says_when_its_figures_were_counted(admin_client, programme):
    counted_at = utcnow().replace(microsecond=0)
    count_all(counted_at)
    db.session.commit()
    for url in ("/admin/reports/", f"/admin/reports/intakes/{programme.spring.id}",
                f"/admin/reports/intakes/{programme.spring.id}/councils"):
        page = served(admin_client.get(url))
        assert f"Figures counted {format_when(counted_at)}." in page.get_text(" ", strip=True)
        assert page.find("button", string=lambda s: s and s.strip() == "Count again now")


def test_times_counted_read_as_today_yesterday_or_a_date_in_uk_time(app):
    now = datetime(2027, 7, 2, 11, 0)  # British Summer Time: an hour ahead of UTC
    assert format_when(datetime(2027, 7, 2, 8, 15), now) == "at 9:15am today"
    assert format_when(datetime(2027, 7, 1, 11, 0), now) == "at midday yesterday"
    assert format_when(datetime(2027, 3, 14, 17, 30), now) == "on 14 March 2027 at 5:30pm"


def test_places_by_council_are_kept_and_shown_a_page_of_25_at_a_time(admin_client):
    councils = [make_council(f"Council {n:02d}") for n in range(30)]
    intake = make_intake(name="Spring 2027")
    url = f"/admin/reports/intakes/{intake.id}/councils"
    first, second = (served(admin_client.get(f"{url}?page={n}")) for n in (1, 2))
    assert [row[0] for row in table(first, "councils-table")] == [f"Council {n:02d}" for n in range(25)]
    assert [row[0] for row in table(second, "councils-table")] == [f"Council {n:02d}" for n in range(25, 30)]
    assert second.find("caption").get_text(strip=True) == "Places by council, page 2 of 2"
    assert "30 councils were allocated 90 places" in second.get_text(" ", strip=True)
    assert set(db.session.scalars(select(ReportSnapshot.page))) == {
        f"councils:{intake.id}", f"councils:{intake.id}:1", f"councils:{intake.id}:2"}

    for council in councils[20:]:  # signed too late for the intake: ten fewer councils
        council.signed_on = intake.closes_at.date() + timedelta(days=1)
    count_all(utcnow())
    db.session.commit()
    assert f"councils:{intake.id}:2" not in set(db.session.scalars(select(ReportSnapshot.page)))
    assert len(table(served(admin_client.get(url)), "councils-table")) == 20
    assert not served(admin_client.get(f"{url}?page=2")).find(id="councils-table")


def test_an_intakes_cohorts_are_kept_and_shown_a_page_of_20_at_a_time(admin_client):
    course = make_course()
    make_course_version(course)
    intake = make_intake(course=course)
    facilitator = make_user("facilitator")
    for n in range(23):
        make_cohort(intake, name=f"Cohort {n:02d}", start_on=date(2027, 3, 1) + timedelta(days=n),
                    facilitators=[facilitator])
    url = f"/admin/reports/intakes/{intake.id}"
    first, second = (served(admin_client.get(f"{url}?page={n}")) for n in (1, 2))
    assert [row[0] for row in table(first, "cohorts-table")] == [f"Cohort {n:02d}" for n in range(20)]
    assert [row[0] for row in table(second, "cohorts-table")] == [f"Cohort {n:02d}" for n in range(20, 23)]
    assert second.find(id="cohorts-table").find("caption").get_text(strip=True) == "23 cohorts"


def test_flask_reports_count_counts_every_page(app, programme):
    result = app.test_cli_runner().invoke(args=["reports", "count"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "5 pages counted"
    pages = set(db.session.scalars(select(ReportSnapshot.page)))
    assert pages == {"overview"} | {f"{kind}:{intake.id}{part}" for kind in ("intake", "councils")
                                    for part in ("", ":1") for intake in (programme.spring, programme.autumn)}


def test_the_scheduler_counts_the_reports_every_five_minutes(app, programme):
    (spec,) = [spec for spec in job_specs(app) if spec.id == "count_reports"]
    assert (spec.func, spec.seconds) == ("app.reminders.jobs:count_reports", 300)
    jobs.bind(app, "test-holder")
    jobs.count_reports()
    assert db.session.get(SchedulerJobRun, "count_reports").outcome == "ok: 5 pages counted"
    assert db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.page == "overview")) is not None
