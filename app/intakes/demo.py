"""Demonstration intake: open now, with the Adur lead's nominations in every state.

The Arun lead's council has not signed the Declaration, so they see why they cannot nominate
and how to sign. Nia Evans, accepted, has been invited and has not set her password yet.
Idempotent: what exists already is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import Role, User
from app.auth.services import find_user_by_email, invite_user
from app.councils.models import Council
from app.courses.models import Course
from app.extensions import db
from app.intakes.models import CouncilPlaces, Intake, Nomination, NominationStatus
from app.timeutil import to_local, to_utc, utcnow

DEMO_INTAKE = "Spring 2027 intake"
ADUR_LEAD = "lead@adur-worthing.example.gov.uk"
ADMIN = "admin@demo.digital-leadership.example"

#: (name, email, job title, service area, status, decision reason)
ADUR_NOMINATIONS = [
    ("Nia Evans", "nia.evans@adur-worthing.example.gov.uk", "Service manager", "Revenues and benefits", NominationStatus.ACCEPTED, None),
    ("Amira Hassan", "amira.hassan@adur-worthing.example.gov.uk", "Head of customer services", "Customer services", NominationStatus.WITHDRAWN, None),
    ("Leo Fraser", "leo.fraser@adur-worthing.example.gov.uk", "Housing officer", "Housing", NominationStatus.WAITLISTED, None),
    ("Chloe Barker", "chloe.barker@adur-worthing.example.gov.uk", "Digital lead", "Digital and design", NominationStatus.SUBMITTED, None),
    ("Owen Price", "owen.price@adur-worthing.example.gov.uk", "Planning team leader", "Planning", NominationStatus.SUBMITTED, None),
    (
        "Ruth Adeyemi",
        "ruth.adeyemi@adur-worthing.example.gov.uk",
        "Finance business partner",
        "Finance",
        NominationStatus.DECLINED,
        "Ruth is already on another funded leadership programme this year; please nominate her for the next intake.",
    ),
]


def digital_leadership_course() -> Course:
    """The programme's course, by the slug the course import also uses."""
    course = db.session.scalar(select(Course).where(Course.slug == "digital-leadership"))
    if course is None:
        course = Course(slug="digital-leadership", title="Digital Leadership")
        db.session.add(course)
        db.session.flush()
    return course


def _at(day_offset: int, clock: time) -> datetime:
    today = to_local(utcnow()).date()
    return to_utc(datetime.combine(today + timedelta(days=day_offset), clock))


def load_intakes() -> None:
    course = digital_leadership_course()
    intake = db.session.scalar(select(Intake).where(Intake.course_id == course.id, Intake.name == DEMO_INTAKE))
    if intake is None:
        intake = Intake(
            course=course,
            name=DEMO_INTAKE,
            opens_at=_at(-7, time(9)),
            closes_at=_at(21, time(17)),
            cohorts_start_on=to_local(utcnow()).date() + timedelta(days=42),
            places_per_council=5,
            total_places=40,
        )
        birmingham = db.session.scalar(select(Council).where(Council.gss_code == "E08000025"))
        intake.overrides.append(CouncilPlaces(council=birmingham, places=8))
        db.session.add(intake)
        db.session.flush()
    lead = db.session.scalar(select(User).where(User.email == ADUR_LEAD))
    admin = db.session.scalar(select(User).where(User.email == ADMIN))
    waiting = 0
    for name, email, job, area, status, reason in ADUR_NOMINATIONS:
        exists = db.session.scalar(
            select(Nomination.id).where(Nomination.intake_id == intake.id, Nomination.email == email)
        )
        if exists:
            continue
        decided = status is not NominationStatus.SUBMITTED
        # Accepting a nomination makes the nominee's account and invites them, as the service does.
        participant = None
        if status is NominationStatus.ACCEPTED:
            participant = find_user_by_email(email) or invite_user(
                actor=admin, email=email, name=name, roles={Role.PARTICIPANT}, council=lead.council
            )
        if status is NominationStatus.WAITLISTED:
            waiting += 1
        db.session.add(
            Nomination(
                intake=intake,
                council=lead.council,
                nominee_name=name,
                email=email,
                job_title=job,
                service_area=area,
                reason=f"{name.split()[0]} will lead the move of {area.lower()} to services designed around residents' needs.",
                line_manager_supports=True,
                status=status,
                created_by_id=lead.id,
                decided_by_id=admin.id if decided else None,
                decided_at=utcnow() if decided else None,
                decision_reason=reason,
                waitlist_position=waiting if status is NominationStatus.WAITLISTED else None,
                # Amira's accepted place was withdrawn, so Leo, first on the waiting list, is offered it.
                offered_at=utcnow() if status is NominationStatus.WAITLISTED else None,
                withdrawn_by_id=lead.id if status is NominationStatus.WITHDRAWN else None,
                withdrawn_at=utcnow() if status is NominationStatus.WITHDRAWN else None,
                participant_id=participant.id if participant else None,
            )
        )
    db.session.flush()
