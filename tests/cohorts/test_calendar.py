from datetime import datetime

from icalendar import Calendar

from app.cohorts import calendar, services, sessions
from app.extensions import db
from tests.factories import make_cohort, make_live_session, make_user


def parse(ics: bytes) -> list:
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


def test_a_session_on_the_last_sunday_of_october_keeps_its_wall_clock_time(admin):
    cohort = make_cohort()
    # 10am London on 31 October 2027, after the clocks go back (GMT): 10:00 UTC.
    before = make_live_session(cohort, starts_at=datetime(2027, 10, 30, 9), title="Saturday, BST")
    after = make_live_session(cohort, starts_at=datetime(2027, 10, 31, 10), title="Sunday, GMT")
    events = {str(e["summary"]).split(" (")[0]: e for e in parse(calendar.feed_ics(cohort.facilitators[0]))}
    for title in ("Saturday, BST", "Sunday, GMT"):
        start = events[title].decoded("dtstart")
        assert (start.hour, start.minute) == (10, 0)
        assert str(start.tzinfo) == "Europe/London"
    assert b"BEGIN:VTIMEZONE" in calendar.feed_ics(cohort.facilitators[0])


def test_a_changed_session_keeps_its_uid_and_raises_its_sequence(admin):
    cohort = make_cohort()
    session = make_live_session(cohort, starts_at=datetime(2027, 5, 4, 9))
    (first,) = parse(calendar.session_ics(session))
    sessions.update_session(session, actor=admin, title=session.title, module=None,
                            starts_at=datetime(2027, 5, 5, 9), ends_at=datetime(2027, 5, 5, 11),
                            location="Worthing Town Hall", join_url=None)
    (second,) = parse(calendar.session_ics(session))
    assert first["uid"] == second["uid"]
    assert int(second["sequence"]) == int(first["sequence"]) + 1
    sessions.cancel_session(session, actor=admin, reason="Strike action")
    (third,) = parse(calendar.session_ics(session))
    assert third["status"] == "CANCELLED"


def test_the_feed_token_can_be_reset_and_the_old_one_stops_working(admin):
    person = make_user("participant")
    old = calendar.feed_for(person).token
    assert calendar.user_for_feed(old) == person
    calendar.reset_feed(person)
    db.session.commit()
    assert calendar.user_for_feed(old) is None
    assert calendar.user_for_feed(calendar.feed_for(person).token) == person


def test_the_feed_holds_the_persons_sessions_and_due_dates_only(admin):
    cohort = make_cohort()
    person = make_user("participant")
    services.enrol(cohort, person, actor=admin)
    make_live_session(cohort, starts_at=datetime(2027, 5, 4, 9), title="Mine")
    make_live_session(make_cohort(), starts_at=datetime(2027, 5, 4, 9), title="Someone else's")
    summaries = [str(e["summary"]) for e in parse(calendar.feed_ics(person))]
    assert any(s.startswith("Mine") for s in summaries)
    assert not any("Someone else's" in s for s in summaries)
    assert any(s.startswith("Due: ") for s in summaries)
