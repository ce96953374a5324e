"""Demonstration cohorts: one finished (every planned session held, a certificate reissued
under a corrected name), one running now.

Dates are relative to today, so the demo always shows a cohort mid-way: past sessions with
registers taken (the latest still to take), future ones in the timetable, and someone below
the attendance threshold. Ravi Sharma was accepted for the running cohort's intake but has
not set a password yet, so the programme team can resend his invitation and place him.
Idempotent: a cohort or person that exists is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import Role, RoleGrant, User
from app.auth.services import invite_user, set_password
from app.certificates.services import issue_certificate, reissue
from app.cohorts.attendance import record_register
from app.cohorts.models import Cohort, LiveSession
from app.cohorts.services import create_cohort, enrol, enrolments_of
from app.councils.models import Council
from app.cohorts.services import latest_version
from app.extensions import db
from app.intakes.demo import digital_leadership_course
from app.intakes.models import Intake, Nomination, NominationStatus
from app.timeutil import to_local, to_utc, utcnow

DEMO_PASSWORD = "leading-digital-change"

FACILITATOR = "facilitator@demo.digital-leadership.example"
ADMIN = "admin@demo.digital-leadership.example"
PARTICIPANT = "participant@adur-worthing.example.gov.uk"

#: Running cohort: (name, email, council GSS code); the demo participant joins them.
RUNNING = [
    ("Hannah Okoro", "hannah.okoro@worthing.example.gov.uk", "E07000229"),
    ("Marcus Bell", "marcus.bell@birmingham.example.gov.uk", "E08000025"),
    ("Siobhan Kelly", "siobhan.kelly@bristol.example.gov.uk", "E06000023"),
    ("Dev Patel", "dev.patel@camden.example.gov.uk", "E09000007"),
    ("Ellen Ward", "ellen.ward@leeds.example.gov.uk", "E08000035"),
]
FINISHED = [("Aisha Khan", "aisha.khan@worthing.example.gov.uk", "E07000229")]
#: Accepted for the running cohort's intake; invited, but no password set yet.
NOT_SIGNED_UP = ("Ravi Sharma", "ravi.sharma@worthing.example.gov.uk", "E07000229")

#: Workshop topics for each module, in order: each workshop of a cohort has a title of its own.
WORKSHOPS = {
    1: ["What digital means for our councils", "The Local Digital Declaration in practice"],
    2: ["Meeting the people who use our services", "Mapping a whole service, end to end"],
    3: ["Why big projects struggle", "Governing agile work without slowing it down"],
    4: ["Data as infrastructure", "Measuring what matters"],
    5: ["Owning your architecture", "Buying in smaller pieces"],
    6: ["Show and tell: working in the open", "What to share, and what not to publish"],
    7: ["Creating the conditions for change", "Bringing people with you", "Your plan for the year ahead"],
}


def workshop_title(number: int, module, held_before: int) -> str:
    """"Workshop 3: Why big projects struggle": the module's next topic, numbered in the cohort."""
    topics = WORKSHOPS.get(module.position, [])
    topic = topics[held_before] if held_before < len(topics) else f"{module.title}, part {held_before + 1}"
    return f"Workshop {number}: {topic}"


def _today() -> date:
    return to_local(utcnow()).date()


def _person(name: str, email: str, gss_code: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        council = db.session.scalar(select(Council).where(Council.gss_code == gss_code))
        user = User(email=email, name=name, council=council, grants=[RoleGrant(role=Role.PARTICIPANT)])
        set_password(user, DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def _intake(name: str, closed_days_ago: int, starts: date) -> Intake:
    course = digital_leadership_course()
    intake = db.session.scalar(select(Intake).where(Intake.name == name))
    if intake is None:
        closes = to_utc(datetime.combine(_today() - timedelta(days=closed_days_ago), time(17)))
        intake = Intake(course=course, name=name, opens_at=closes - timedelta(days=28), closes_at=closes,
                        cohorts_start_on=starts, places_per_council=5, total_places=40)
        db.session.add(intake)
        db.session.flush()
    return intake


def _accepted(intake: Intake, person: User, admin: User) -> Nomination:
    lead = db.session.scalar(
        select(User).join(RoleGrant).where(RoleGrant.role == Role.COUNCIL_LEAD, User.council_id == person.council_id)
    )
    nomination = Nomination(
        intake=intake, council_id=person.council_id, nominee_name=person.name, email=person.email,
        job_title="Head of service", service_area="Customer services",
        reason=f"{person.name.split()[0]} will lead the redesign of how residents contact the council.",
        line_manager_supports=True, status=NominationStatus.ACCEPTED, created_by_id=(lead or admin).id,
        decided_by_id=admin.id, decided_at=intake.closes_at + timedelta(days=2), participant_id=person.id,
    )
    db.session.add(nomination)
    return nomination


def _cohort(name: str, intake: Intake, start_on: date, people: list[User], admin: User, facilitator: User) -> Cohort | None:
    """The cohort with its people enrolled; None if it already existed."""
    if db.session.scalar(select(Cohort.id).where(Cohort.name == name)) is not None:
        return None
    cohort = create_cohort(actor=admin, intake=intake, name=name, capacity=12, start_on=start_on,
                           end_on=start_on + timedelta(days=105), facilitators=[facilitator])
    joined = to_utc(datetime.combine(start_on - timedelta(days=3), time(9)))
    for person in people:
        enrol(cohort, person, actor=admin, nomination=_accepted(intake, person, admin), now=joined)
    return cohort


def _sessions(cohort: Cohort, count: int) -> list[LiveSession]:
    modules = [entry.module for entry in cohort.schedule]
    sessions = []
    for week in range(count):
        day = cohort.start_on + timedelta(days=2 + 7 * week)
        starts = to_utc(datetime.combine(day, time(10)))
        online = week % 2 == 1
        module = modules[min(week, len(modules) - 1)]
        sessions.append(LiveSession(
            cohort=cohort, module=module,
            title=workshop_title(week + 1, module, sum(s.module is module for s in sessions)),
            starts_at=starts, ends_at=starts + timedelta(hours=2),
            location=None if online else "Worthing Town Hall, Stoke Abbott Road, Worthing BN11 1HA",
            join_url="https://meet.example.gov.uk/digital-leadership" if online else None,
        ))
    db.session.add_all(sessions)
    db.session.flush()
    return sessions


def _not_signed_up(intake: Intake, admin: User) -> None:
    """An accepted nominee who was invited but has not set a password."""
    name, email, gss_code = NOT_SIGNED_UP
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return
    council = db.session.scalar(select(Council).where(Council.gss_code == gss_code))
    person = invite_user(actor=admin, email=email, name=name, roles={Role.PARTICIPANT}, council=council)
    _accepted(intake, person, admin)


def load_cohorts() -> None:
    """The finished and the running demo cohort (needs the course imported)."""
    course = digital_leadership_course()
    if latest_version(course) is None:
        return
    admin = db.session.scalar(select(User).where(User.email == ADMIN))
    facilitator = db.session.scalar(select(User).where(User.email == FACILITATOR))
    today = _today()

    # It ends today, so the certificate issued as its last criterion is met is dated within it.
    finished_start = today - timedelta(days=105)
    finished = _cohort("Spring 2026 – cohort A", _intake("Spring 2026 intake", 180, finished_start), finished_start,
                       [_person(*p) for p in FINISHED], admin, facilitator)
    if finished is not None:
        (aisha,) = enrolments_of(finished)
        for session in _sessions(finished, latest_version(course).live_sessions):
            record_register(session, actor=facilitator, marks={aisha.id: ("present", None)}, now=session.ends_at)
        certificate = issue_certificate(aisha, actor=admin)  # the programme team issued it when she finished
        reissue(certificate, actor=admin, name="Aisha Begum Khan")  # she asked for her full name

    running_start = today - timedelta(days=18)
    participant = db.session.scalar(select(User).where(User.email == PARTICIPANT))
    people = [participant] + [_person(*p) for p in RUNNING]
    autumn = _intake("Autumn 2026 intake", 40, running_start)
    running = _cohort("Autumn 2026 – cohort A", autumn, running_start, people, admin, facilitator)
    _not_signed_up(autumn, admin)
    if running is None:
        return
    sessions = _sessions(running, 8)
    enrolments = {e.user.email: e for e in enrolments_of(running)}
    held = [s for s in sessions if s.ends_at < utcnow()]
    for number, session in enumerate(held[:-1]):  # the latest register is not taken yet
        marks = {e.id: ("present", None) for e in enrolments.values()}
        marks[enrolments["ellen.ward@leeds.example.gov.uk"].id] = ("absent", None)
        if number == 0:
            marks[enrolments["marcus.bell@birmingham.example.gov.uk"].id] = ("late", "Train delayed at Coventry")
            marks[enrolments["dev.patel@camden.example.gov.uk"].id] = ("excused", "Covering a budget meeting")
        record_register(session, actor=facilitator, marks=marks, now=session.ends_at)

