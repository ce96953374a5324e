"""`flask demo load` gives every role something to see, and is safe to run again."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from app import demo
from app.auth.models import User
from app.courses import services
from app.courses.models import CourseVersion, LessonProgress
from app.extensions import db
from app.reports.demo import PARTICIPANTS
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


def count(column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_demo_imports_the_sound_courses_and_the_participant_has_read_two_lessons(demo_courses):
    demo.load()
    db.session.commit()
    demo.load()
    db.session.commit()
    assert count(User.id) == len(demo.DEMO_PEOPLE) + len(PARTICIPANTS)
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
    assert count(User.id) == len(demo.DEMO_PEOPLE) + len(PARTICIPANTS)
