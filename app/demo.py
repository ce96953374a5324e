"""Demonstration data: enough for every role to see the service working.

`load()` is idempotent: it finds what it made before and adds only what is missing.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.assessments.demo import load_assessments
from app.auth.models import Role, RoleGrant, User
from app.auth.services import set_password
from app.cohorts.demo import DEMO_PASSWORD, load_cohorts
from app.councils.models import Council
from app.councils.services import import_councils
from app.courses import services as course_services
from app.courses.importing import import_course
from app.courses.course_folders import load_courses
from app.extensions import db
from app.intakes.demo import load_intakes
from app.mail.demo import load_outbox_demo
from app.reports.demo import load_reports_demo
from app.reports.snapshots import count_all
from app.timeutil import utcnow

SAMPLE_REGISTER = Path(__file__).resolve().parent.parent / "sample-data" / "councils.csv"

DEMO_PEOPLE = [
    (Role.ADMIN, "admin@demo.digital-leadership.example", "Priya Shah", None),
    (Role.FACILITATOR, "facilitator@demo.digital-leadership.example", "Tom Okafor", None),
    (Role.COUNCIL_LEAD, "lead@adur-worthing.example.gov.uk", "Sarah Whitfield", "E07000223"),
    (Role.PARTICIPANT, "participant@adur-worthing.example.gov.uk", "Gareth Lewis", "E07000223"),
    (Role.COUNCIL_LEAD, "lead@non-signatory.example.gov.uk", "Dan Morris", "E07000224"),
]


def _council(gss_code: str | None) -> Council | None:
    if gss_code is None:
        return None
    return db.session.scalar(select(Council).where(Council.gss_code == gss_code))


def _person(role: Role, email: str, name: str, gss_code: str | None) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, grants=[RoleGrant(role=role)], council=_council(gss_code))
        set_password(user, DEMO_PASSWORD)
        db.session.add(user)
    return user


def load() -> list[tuple[str, str]]:
    """Load the demo data; returns (role, email) for each demo login."""
    report = import_councils(SAMPLE_REGISTER.read_bytes())
    if not report.ok:
        raise RuntimeError(f"sample register has problems: {report.problems}")
    people = [_person(*entry) for entry in DEMO_PEOPLE]
    db.session.flush()
    _courses(next(user for user in people if user.has_role(Role.PARTICIPANT)))
    load_intakes()
    load_cohorts()
    load_assessments()
    load_reports_demo()
    load_outbox_demo()
    count_all(utcnow())  # the report pages show counted figures
    return [(user.grants[0].role.label, user.email) for user in people]


def _courses(participant: User) -> None:
    """Import every sound course in COURSES_DIR; the participant has read the first two lessons.

    A course with problems is left out rather than stopping the demo: `flask courses
    validate` reports them.
    """
    folder = Path(current_app.config["COURSES_DIR"])
    if not folder.is_dir():
        return
    for content in load_courses(folder).courses:
        import_course(content)
    for version in course_services.versions_for(participant):
        lessons = [lesson for module in course_services.outline(version) for lesson in module.lessons]
        for lesson in lessons[:2]:
            course_services.complete_lesson(participant, lesson)
