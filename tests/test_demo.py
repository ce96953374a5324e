"""`flask demo load` gives every role something to see, and is safe to run again."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from app import demo
from app.auth.models import User
from app.certificates.models import Certificate
from app.cohorts.models import Cohort, LiveSession
from app.courses import services
from app.courses.models import CourseVersion, LessonProgress
from app.extensions import db
from app.intakes.demo import ADUR_NOMINATIONS
from app.intakes.models import Intake, Nomination, NominationStatus
from app.reports.demo import PARTICIPANTS
from app.timeutil import to_local
from tests.courses.conftest import BROKEN, GOOD


@pytest.fixture
def demo_courses(app, tmp_path):
    """COURSES_DIR holding the sound fixture course and the broken one."""
    shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
    shutil.copytree(BROKEN, tmp_path, dirs_exist_ok=True)
    old = app.config["COURSES_DIR"]
    app.config["COURSES_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["COURSES_DIR"] = old


#: Nominees the intakes demo accepted, invited but not signed in yet.
INVITED = [n for n in ADUR_NOMINATIONS if n[4] is NominationStatus.ACCEPTED]


def count(column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_demo_imports_the_sound_courses_and_the_participant_has_read_two_lessons(demo_courses):
    demo.load()
    db.session.commit()
    demo.load()
    db.session.commit()
    assert count(User.id) == len(demo.DEMO_PEOPLE) + len(PARTICIPANTS) + len(INVITED)
    [version] = db.session.scalars(select(CourseVersion)).all()
    assert version.course.slug == "leading-change"
    participant = db.session.scalar(
        select(User).where(User.email == "participant@adur-worthing.example.gov.uk")
    )
    completed = services.completions(participant, version)
    assert len(completed) == count(LessonProgress.id) == 2


def test_demo_loads_without_any_courses(app, tmp_path):
    old = app.config["COURSES_DIR"]
    app.config["COURSES_DIR"] = str(tmp_path / "missing")
    try:
        demo.load()
        db.session.commit()
    finally:
        app.config["COURSES_DIR"] = old
    assert count(CourseVersion.id) == 0
    assert count(User.id) == len(demo.DEMO_PEOPLE) + len(PARTICIPANTS) + len(INVITED)


def test_the_demo_makes_sense_to_someone_reading_it():
    demo.load()
    db.session.commit()
    accepted = db.session.scalars(select(Nomination).where(Nomination.status == NominationStatus.ACCEPTED)).all()
    assert accepted and all(n.participant_id for n in accepted), "an accepted nominee has no account"

    names = [intake.name for intake in db.session.scalars(select(Intake))]
    assert len(set(names)) == len(names) and all(any(c.isdigit() for c in name) for name in names), names

    certificates = db.session.scalars(select(Certificate)).all()
    assert certificates
    for certificate in certificates:
        cohort = certificate.enrolment.cohort
        assert cohort.start_on <= to_local(certificate.issued_at).date() <= cohort.end_on, cohort.name

    for cohort in db.session.scalars(select(Cohort)):
        titles = [s.title.split(": ", 1)[1] for s in db.session.scalars(select(LiveSession).where(LiveSession.cohort_id == cohort.id))]
        assert len(set(titles)) == len(titles), f"{cohort.name} has workshops with the same title"
