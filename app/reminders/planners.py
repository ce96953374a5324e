"""Every reminder the service sends, each kind with its planner (see kinds.py).

Each planner looks at the database and the clock and yields every reminder of its kind
that is due at `now`. A reminder is due from a moment until its `expires_at`, and each
planner's docstring says both; past `expires_at` it is neither planned nor sent, so a
scheduler that was down catches up with what is still useful and never sends stale news.
Dedupe keys name the thing, the person and (where it can move) the time, so a moved
session gets a fresh reminder and an unchanged one never a second.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

from app.auth.models import Role, RoleGrant, User
from app.auth.services import make_token
from app.cohorts.calendar import session_ics_attachment
from app.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, EnrolmentStatus, LiveSession
from app.cohorts.sessions import people_of, registers_to_take
from app.councils.models import Council
from app.courses.models import LessonProgress
from app.extensions import db
from app.intakes.models import Intake
from app.intakes.services import places_by_council
from app.reminders.kinds import DIGEST, KINDS, PlannedReminder, reminder_kind
from app.reminders.models import ReminderPreferences
from app.timeutil import format_date, format_datetime, to_local, to_utc
from app.urls import absolute_url

PARTICIPANTS = {Role.PARTICIPANT}
FACILITATORS = {Role.FACILITATOR}


# Accounts ------------------------------------------------------------------------------------


@reminder_kind("invitation_unaccepted", "Your invitation has not been accepted yet", audience=set(Role),
               optional=False)
def invitations_not_accepted(now: datetime):
    """Once, 3 days after an invitation, to people who have not yet set a password. It never
    expires: the link it carries is made when it is planned."""
    waiting = db.session.scalars(
        select(User).where(
            User.password_hash.is_(None), User.active.is_(True), User.invited_at <= now - timedelta(days=3)
        )
    )
    for user in waiting:
        yield PlannedReminder(
            user=user,
            dedupe_key=f"invitation-3d:{user.id}:{user.invited_at:%Y%m%d%H%M}",
            template="invitation_reminder",
            context={"link": absolute_url("auth.set_password", token=make_token(user, "invitation"))},
        )


# Live sessions -------------------------------------------------------------------------------


def _sessions_starting(now: datetime, since: timedelta, until: timedelta):
    """Sessions not cancelled whose start is between now+until and now+since."""
    return db.session.scalars(
        select(LiveSession).where(
            LiveSession.cancelled_at.is_(None),
            LiveSession.starts_at > now + until,
            LiveSession.starts_at <= now + since,
        )
    ).all()


def _session_reminders(now: datetime, label: str, since: timedelta, until: timedelta):
    """Reminders for sessions starting between `until` and `since` from now; each expires
    `until` before its session, the moment it would no longer be planned."""
    for session in _sessions_starting(now, since, until):
        attachment = session_ics_attachment(session)
        for person in people_of(session.cohort):
            yield PlannedReminder(
                user=person,
                dedupe_key=f"session-{label}:{session.id}:{person.id}:{session.starts_at:%Y%m%d%H%M}",
                template="session_soon",
                context={"session": session, "when": format_datetime(session.starts_at), "soon": label,
                         "today": to_local(session.starts_at).date() == to_local(now).date(),
                         "link": absolute_url("cohorts.timetable")},
                attachments=(attachment,),
                expires_at=session.starts_at - until,
            )


@reminder_kind("session_24h", "A live session is tomorrow", audience=PARTICIPANTS | FACILITATORS)
def sessions_tomorrow(now: datetime):
    """From 24 hours before a session until 2 hours before it, to everyone in its cohort; it
    expires 2 hours before the session, when only the hour's reminder is still worth sending.
    Planned on the day of the session (after a scheduler was down) it says "today"."""
    return _session_reminders(now, "24h", since=timedelta(hours=24), until=timedelta(hours=2))


@reminder_kind("session_1h", "A live session starts in an hour", audience=PARTICIPANTS | FACILITATORS)
def sessions_in_an_hour(now: datetime):
    """In the hour before a session, to everyone in its cohort; it expires as the session starts."""
    return _session_reminders(now, "1h", since=timedelta(hours=1), until=timedelta(0))


@reminder_kind("absence_notice", "You were marked absent from a live session", audience=PARTICIPANTS)
def absences(now: datetime):
    """Once, to a participant marked absent, naming the session and date; it expires a week
    after the session started."""
    marks = db.session.execute(
        select(Attendance, LiveSession, Enrolment)
        .join(LiveSession, LiveSession.id == Attendance.session_id)
        .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
        .where(
            Attendance.status == AttendanceStatus.ABSENT,
            LiveSession.starts_at > now - timedelta(days=7),
            Enrolment.status == EnrolmentStatus.ACTIVE,
        )
    ).all()
    for mark, session, enrolment in marks:
        yield PlannedReminder(
            user=enrolment.user,
            dedupe_key=f"absence:{mark.id}",
            template="absence",
            context={"session": session, "when": format_datetime(session.starts_at),
                     "link": absolute_url("cohorts.my_attendance")},
            expires_at=session.starts_at + timedelta(days=7),
        )


@reminder_kind("register_not_taken", "A register has not been taken after a session", audience=FACILITATORS,
               digestible=True)
def registers_not_taken(now: datetime):
    """Two hours after a session ends, to its facilitators, if nobody is marked in it; it
    expires a week after the session ended."""
    for session in registers_to_take(now - timedelta(hours=2), ended_after=now - timedelta(days=7)):
        for facilitator in session.cohort.facilitators:
            yield PlannedReminder(
                user=facilitator,
                dedupe_key=f"register-missing:{session.id}:{facilitator.id}",
                template="register_missing",
                context={"session": session, "when": format_datetime(session.starts_at),
                         "link": absolute_url("cohorts.register", session_id=session.id)},
                expires_at=session.ends_at + timedelta(days=7),
            )


@reminder_kind("inactive_14d", "You have not been active for two weeks", audience=PARTICIPANTS)
def inactive_participants(now: datetime):
    """Once per quiet spell: 14 days without signing in or reading, in a running cohort. It
    never expires: still true however late it goes."""
    today = to_local(now).date()
    quiet_since = now - timedelta(days=14)
    # The quiet are picked out in SQL, each by their own reading, so the planner reads only
    # who is due and never groups every lesson ever read.
    last_read = select(func.max(LessonProgress.completed_at)).where(LessonProgress.user_id == User.id)
    read_lately = select(LessonProgress.id).where(LessonProgress.user_id == User.id,
                                                  LessonProgress.completed_at > quiet_since).exists()
    rows = db.session.execute(
        select(Enrolment, User.last_seen_at, last_read.scalar_subquery())
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.status == EnrolmentStatus.ACTIVE, Cohort.start_on <= today, Cohort.end_on >= today,
               Enrolment.joined_at <= quiet_since,
               (User.last_seen_at.is_(None)) | (User.last_seen_at <= quiet_since), ~read_lately)
        .execution_options(yield_per=500)  # a batch at a time, as plan_reminders queues them
    )
    for enrolment, seen, read in rows:
        last = max([moment for moment in (seen, read, enrolment.joined_at) if moment is not None])
        yield PlannedReminder(
            user=enrolment.user,
            dedupe_key=f"inactive-14d:{enrolment.id}:{last:%Y%m%d}",
            template="inactive",
            context={"since": format_date(last), "cohort": enrolment.cohort, "link": absolute_url("courses.learning")},
        )


# Nominations ---------------------------------------------------------------------------------


def _closing_reminders(now: datetime, label: str, since: timedelta, until: timedelta):
    """For intakes closing between `until` and `since` from now, to the leads of signed-on
    councils with places left; each expires `until` before the intake closes."""
    intakes = db.session.scalars(
        select(Intake).where(
            Intake.opens_at <= now, Intake.closes_at > now + until, Intake.closes_at <= now + since
        )
    ).all()
    if not intakes:
        return
    leads = db.session.execute(
        select(User, Council)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .join(Council, Council.id == User.council_id)
        .where(RoleGrant.role == Role.COUNCIL_LEAD, User.active.is_(True), Council.signed_on.is_not(None))
    ).all()
    by_council: dict[int, tuple] = {}
    for lead, council in leads:
        by_council.setdefault(council.id, (council, []))[1].append(lead)
    for intake in intakes:
        every_place = places_by_council(intake, [council for council, _ in by_council.values()])
        for council, council_leads in by_council.values():
            if not council.signed_by(to_local(intake.closes_at).date()):
                continue
            places = every_place[council.id]
            if places.remaining <= 0:
                continue
            for lead in council_leads:
                yield PlannedReminder(
                    user=lead,
                    dedupe_key=f"nomination-closing-{label}:{intake.id}:{lead.id}",
                    template="nominations_closing",
                    context={"intake": intake, "closes": format_datetime(intake.closes_at),
                             "remaining": places.remaining, "link": absolute_url("intakes.lead_index")},
                    expires_at=intake.closes_at - until,
                )


@reminder_kind("nomination_closing_7d", "Nominations close in a week and your council has places left",
               audience={Role.COUNCIL_LEAD})
def nominations_closing_in_a_week(now: datetime):
    """From 7 days until 1 day before an intake closes, when the day's reminder takes over."""
    return _closing_reminders(now, "7d", since=timedelta(days=7), until=timedelta(days=1))


@reminder_kind("nomination_closing_1d", "Nominations close tomorrow and your council has places left",
               audience={Role.COUNCIL_LEAD})
def nominations_closing_tomorrow(now: datetime):
    """In the day before an intake closes; it expires as nominations close."""
    return _closing_reminders(now, "1d", since=timedelta(days=1), until=timedelta(0))


# The facilitators' daily digest ---------------------------------------------------------------


@reminder_kind(DIGEST, "One email a day with everything waiting for you", audience=FACILITATORS)
def staff_digest(now: datetime):
    """Once a day from DIGEST_HOUR, to facilitators who chose it: every digestible reminder
    due for them, in one email. It expires at midnight, UK time, when the next day's is due."""
    local = to_local(now)
    if local.hour < current_app.config["DIGEST_HOUR"]:
        return
    chosen = dict(db.session.execute(
        select(ReminderPreferences.user_id, ReminderPreferences.opted_out).where(ReminderPreferences.daily_digest.is_(True))
    ).all())
    if not chosen:
        return  # nobody takes it: no need to plan every digestible kind a second time
    items: dict[int, list] = {}
    people = {}
    for kind in KINDS.values():
        if not kind.digestible:
            continue
        for reminder in kind.planner(now):
            if reminder.user.id in chosen and kind.name not in (chosen[reminder.user.id] or []):
                people[reminder.user.id] = reminder.user
                items.setdefault(reminder.user.id, []).append(reminder)
    midnight = to_utc(datetime.combine(local.date() + timedelta(days=1), time(0)))
    for user_id, reminders in items.items():
        yield PlannedReminder(
            user=people[user_id],
            dedupe_key=f"digest:{user_id}:{local:%Y%m%d}",
            template="digest",
            context={"day": format_date(local.date()), "items": [
                (render_template(f"reminders/emails/{r.template}.subject.txt", user=r.user, **r.context).strip(),
                 r.context["link"])
                for r in reminders
            ]},
            expires_at=midnight,
        )
