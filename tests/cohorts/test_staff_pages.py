"""What the programme team and facilitators see of a cohort: registers still to take,
places taken, the intake's cohorts, and the email that tells someone of their place."""

from datetime import date, datetime, timedelta

import pytest

from app.cohorts import services
from app.cohorts.attendance import record_register
from app.cohorts.calendar import feed_url
from app.cohorts.models import EnrolmentStatus
from app.extensions import db
from app.intakes.decisions import Decision, decide
from app.intakes.models import NominationStatus
from app.mail.delivery import deliver_pending
from app.timeutil import utcnow
from tests.factories import make_cohort, make_intake, make_live_session, make_nomination, make_user
from tests.pages import parse


def test_the_cohort_page_and_the_facilitators_home_list_registers_still_to_take(admin, login):
    cohort = make_cohort(name="Autumn – cohort B")
    enrolment = services.enrol(cohort, make_user("participant"), actor=admin, now=utcnow() - timedelta(days=10))
    taken = make_live_session(cohort, starts_at=utcnow() - timedelta(days=7), title="Workshop 1: Users")
    missing = make_live_session(cohort, starts_at=utcnow() - timedelta(days=2), title="Workshop 2: Data")
    make_live_session(cohort, starts_at=utcnow() + timedelta(days=5), title="Workshop 3: Culture")
    record_register(taken, actor=admin, marks={enrolment.id: ("present", None)}, now=utcnow())
    nobody_there = make_cohort(facilitators=cohort.facilitators)
    make_live_session(nobody_there, starts_at=utcnow() - timedelta(days=3))
    services.enrol(nobody_there, make_user("participant"), actor=admin)  # joined after it: no register
    db.session.commit()
    client = login(cohort.facilitators[0])

    for url in (f"/cohorts/{cohort.id}", "/"):
        box = parse(client.get(url)).select_one("#registers-to-take")
        assert "1 register still to take" in box.get_text()
        (link,) = box.select("a")
        assert link.get_text() == "Workshop 2: Data"
        assert link["href"] == f"/sessions/{missing.id}/register"
    assert "Autumn – cohort B" in parse(client.get("/")).select_one("#registers-to-take").get_text()


def test_a_future_sessions_register_is_not_offered_as_a_link(admin, login):
    cohort = make_cohort()
    future = make_live_session(cohort, starts_at=utcnow() + timedelta(days=3), title="Workshop 9")
    page = parse(login(cohort.facilitators[0]).get(f"/cohorts/{cohort.id}"))
    assert not page.select(f'a[href="/sessions/{future.id}/register"]')
    assert "The register opens when the session starts." in page.select_one("main").get_text()
    assert page.select_one("#registers-to-take") is None


def test_places_count_everyone_placed_including_those_who_completed(admin, login):
    cohort = make_cohort(capacity=2)
    finished = services.enrol(cohort, make_user("participant"), actor=admin)
    services.enrol(cohort, make_user("participant"), actor=admin)
    finished.status = EnrolmentStatus.COMPLETED
    db.session.commit()
    page = parse(login(admin).get(f"/cohorts/{cohort.id}"))
    row = next(r for r in page.select(".govuk-summary-list__row") if "Places" in r.get_text())
    assert "2 of 2 taken" in row.get_text()
    with pytest.raises(services.CohortError, match="is full: all 2 places are taken"):
        services.enrol(cohort, make_user("participant"), actor=admin)


def test_an_intake_page_lists_its_cohorts_and_links_to_creating_one_for_it(admin, login):
    cohort = make_cohort(name="Winter – cohort A", capacity=12)
    services.enrol(cohort, make_user("participant"), actor=admin)
    db.session.commit()
    client = login(admin)
    page = parse(client.get(f"/admin/intakes/{cohort.intake_id}"))
    assert "Winter – cohort A" in page.select_one("table").get_text()
    assert "1 of 12" in page.select_one("table").get_text()
    create = next(a for a in page.select("main a") if a.get_text(strip=True) == "Create a cohort for this intake")
    assert create["href"] == f"/cohorts/new?intake={cohort.intake_id}"
    form = parse(client.get(create["href"]))
    assert form.select_one("#intake option[selected]")["value"] == str(cohort.intake_id)


def test_placing_someone_emails_the_cohorts_dates_first_session_and_calendar_feed(admin, smtp):
    cohort = make_cohort(name="Spring – cohort C", start_on=date(2027, 3, 1))
    make_live_session(cohort, starts_at=datetime(2027, 3, 3, 10), title="Workshop 1: Why digital")
    make_live_session(cohort, starts_at=datetime(2027, 3, 10, 10), title="Workshop 2")
    person = make_user("participant")
    services.enrol(cohort, person, actor=admin, now=datetime(2027, 2, 20))
    db.session.commit()
    deliver_pending()
    (message,) = smtp.to(person.email)
    assert message["Subject"] == "Your place in Spring – cohort C: 1 March 2027 to 29 June 2027"
    text = smtp.text(message)
    assert "runs from 1 March 2027 to 29 June 2027" in text
    assert 'Your first live session is "Workshop 1: Why digital" on 3 March 2027 at 10am' in text
    assert feed_url(person) in text


def test_the_acceptance_email_quotes_the_cohorts_dates_once_there_is_one(admin, smtp):
    cohort = make_cohort(name="Summer – cohort A", start_on=date(2027, 5, 3))
    nomination = make_nomination(cohort.intake, email="kim@adur.gov.uk")
    decide([nomination.id], Decision.ACCEPT, admin)
    db.session.commit()
    deliver_pending()
    (message,) = [m for m in smtp.to("kim@adur.gov.uk") if "You have a place" in m["Subject"]]
    text = smtp.text(message)
    assert "Summer – cohort A, runs from 3 May 2027 to 31 August 2027" in text
    assert cohort.intake.cohorts_start_on.strftime("%-d %B %Y") not in text


def test_the_acceptance_email_gives_the_intakes_expected_start_before_any_cohort(admin, smtp):
    intake = make_intake()
    nomination = make_nomination(intake, email="lee@adur.gov.uk")
    decide([nomination.id], Decision.ACCEPT, admin)
    db.session.commit()
    deliver_pending()
    (message,) = [m for m in smtp.to("lee@adur.gov.uk") if "You have a place" in m["Subject"]]
    assert f"Cohorts are due to start on {intake.cohorts_start_on.strftime('%-d %B %Y')}" in smtp.text(message)
    assert nomination.status is NominationStatus.ACCEPTED
