"""Calendars: an .ics for each session and a private feed per person (RFC 5545).

Times are written as Europe/London wall-clock times with the zone's definition included,
so a session at 10am on the last Sunday of October stays at 10am in every calendar.
Each event's UID is stable and its SEQUENCE rises with every change, so calendars update
the event instead of adding another; a cancelled session is sent as STATUS:CANCELLED.
"""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select

from app.auth.models import User
from app.cohorts.models import CalendarFeed, Cohort, Enrolment, LiveSession, ModuleSchedule, cohort_facilitator
from app.extensions import db
from app.mail.services import Attachment
from app.timeutil import to_local, utcnow
from app.urls import absolute_url


def _domain() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "digital-leadership.example"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Digital Leadership Programme//LMS//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def session_event(session: LiveSession) -> Event:
    event = Event()
    event.add("uid", f"session-{session.id}@{_domain()}")
    event.add("dtstamp", session.updated_at.replace(tzinfo=UTC))  # RFC 5545: DTSTAMP is UTC
    event.add("dtstart", to_local(session.starts_at))
    event.add("dtend", to_local(session.ends_at))
    event.add("summary", f"{session.title} ({session.cohort.name})")
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    if session.location:
        event.add("location", session.location)
    if session.join_url:
        event.add("url", session.join_url)
    description = [f"Live session of {session.cohort.name}, Digital Leadership Programme."]
    if session.module is not None:
        description.append(f"Module: {session.module.title}.")
    if session.join_url:
        description.append(f"Join online: {session.join_url}")
    event.add("description", "\n".join(description))
    return event


def due_date_event(cohort: Cohort, entry: ModuleSchedule) -> Event:
    event = Event()
    event.add("uid", f"due-{cohort.id}-{entry.module_id}@{_domain()}")
    event.add("dtstamp", cohort.created_at.replace(tzinfo=UTC))
    event.add("dtstart", entry.due_on)
    event.add("dtend", entry.due_on + timedelta(days=1))
    event.add("summary", f"Due: {entry.module.title} ({cohort.name})")
    event.add("transp", "TRANSPARENT")
    return event


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def session_ics(session: LiveSession) -> bytes:
    calendar = _calendar(session.title)
    calendar.add("method", "CANCEL" if session.is_cancelled else "PUBLISH")
    calendar.add_component(session_event(session))
    return _finish(calendar)


def session_ics_attachment(session: LiveSession) -> Attachment:
    return Attachment(f"session-{session.id}.ics", "text/calendar", session_ics(session))


def cohorts_of(user) -> list[Cohort]:
    """The cohorts in a person's calendar: where they are a participant or a facilitator."""
    taking = select(Enrolment.cohort_id).where(
        Enrolment.user_id == user.id, Enrolment.is_placed
    )
    running = select(cohort_facilitator.c.cohort_id).where(cohort_facilitator.c.user_id == user.id)
    return db.session.scalars(
        select(Cohort).where(Cohort.id.in_(taking) | Cohort.id.in_(running)).order_by(Cohort.start_on)
    ).all()


def feed_ics(user) -> bytes:
    """Every session and module due date of the person's cohorts."""
    cohorts = cohorts_of(user)
    calendar = _calendar("Digital Leadership Programme")
    cohort_ids = [c.id for c in cohorts]
    sessions = db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id.in_(cohort_ids)).order_by(LiveSession.starts_at)
    ).all()
    for session in sessions:
        calendar.add_component(session_event(session))
    for cohort in cohorts:
        for entry in cohort.schedule:
            calendar.add_component(due_date_event(cohort, entry))
    return _finish(calendar)


# The private feed's secret ---------------------------------------------------------------------


def feed_for(user) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32), created_at=utcnow())
        db.session.add(feed)
        db.session.flush()
    return feed


def reset_feed(user) -> CalendarFeed:
    """A new secret: the old feed URL stops working at once."""
    feed = feed_for(user)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    return feed


def user_for_feed(token: str):
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    return None if feed is None else db.session.get(User, feed.user_id)


def feed_url(user) -> str:
    return absolute_url("cohorts.calendar_feed", token=feed_for(user).token)
