"""Fixture courses: a sound one to import and edit, and a broken one full of problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"


@pytest.fixture
def courses_folder(tmp_path) -> Path:
    """A folder of courses holding a copy of the sound fixture course, free to edit."""
    folder = tmp_path / "courses"
    shutil.copytree(GOOD, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in a fixture file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def imported(app):
    """The sound fixture course, imported: its version 1."""
    from app.courses.importing import import_courses
    from app.courses.models import CourseVersion
    from app.extensions import db

    assert import_courses(GOOD).ok
    db.session.commit()
    return db.session.query(CourseVersion).one()


@pytest.fixture
def repository_courses(app, courses_folder) -> Path:
    """COURSES_DIR, the repository's folder of courses, set to `courses_folder` for one test."""
    old = app.config["COURSES_DIR"]
    app.config["COURSES_DIR"] = str(courses_folder)
    yield courses_folder
    app.config["COURSES_DIR"] = old
