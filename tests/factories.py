"""Factories: make a model with sensible defaults, override what the test cares about."""

from __future__ import annotations

import itertools
from datetime import date

from app.auth.models import Role, RoleGrant, User
from app.auth.services import set_password
from app.councils.models import Council, CouncilKind, Nation
from app.courses.models import (
    Assessment,
    AssessmentKind,
    Course,
    CourseFile,
    CourseVersion,
    Lesson,
    Module,
)
from app.extensions import db

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_council(name: str | None = None, signed_on: date | None = date(2018, 7, 4), **fields) -> Council:
    n = next(_sequence)
    council = Council(
        name=name or f"Council {n}",
        gss_code=fields.pop("gss_code", f"E07{n:06d}"),
        kind=fields.pop("kind", CouncilKind.DISTRICT),
        nation=fields.pop("nation", Nation.ENGLAND),
        signed_on=signed_on,
        **fields,
    )
    db.session.add(council)
    db.session.flush()
    return council


def make_user(*roles: str | Role, council: Council | None = None, password: str | None = PASSWORD, **fields) -> User:
    n = next(_sequence)
    roles = [Role(r) for r in roles] or [Role.PARTICIPANT]
    if council is None and any(r in (Role.COUNCIL_LEAD, Role.PARTICIPANT) for r in roles):
        council = make_council()
    user = User(
        email=fields.pop("email", f"person{n}@example.gov.uk"),
        name=fields.pop("name", f"Person {n}"),
        council=council,
        grants=[RoleGrant(role=r) for r in roles],
        **fields,
    )
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.commit()
    return user


def make_course(slug: str | None = None, title: str = "Digital Leadership") -> Course:
    n = next(_sequence)
    course = Course(slug=slug or f"course-{n}", title=title)
    db.session.add(course)
    db.session.flush()
    return course


def make_course_version(course: Course | None = None, modules: int = 2, lessons: int = 2) -> CourseVersion:
    """A version of `modules` modules of `lessons` lessons each; the first has a quiz and an image."""
    course = course or make_course()
    number = len(course.versions) + 1

    def lesson(m: int, n: int) -> Lesson:
        return Lesson(
            position=n, slug=f"{n:02d}-lesson-{m}-{n}", title=f"Lesson {m}.{n}", minutes=10,
            html=f"<h2>Lesson {m}.{n}</h2><p>Words.</p>",
        )

    version = CourseVersion(
        course=course, number=number, label=f"2027.{number}", title=course.title,
        summary="A course for the tests.", attendance_threshold=80, content_hash=f"{number:064d}",
        modules=[
            Module(
                position=m, slug=f"{m:02d}-module-{m}", title=f"Module {m}", summary="About it.", hours=2,
                opens_after_days=14 * (m - 1), due_after_days=14 * m,
                lessons=[lesson(m, n) for n in range(1, lessons + 1)],
            )
            for m in range(1, modules + 1)
        ],
        files=[
            CourseFile(
                path="01-module-1/images/a.png", media_type="image/png", content=b"\x89PNG\r\n\x1a\n", sha256="0" * 64
            )
        ],
    )
    version.modules[0].assessments = [
        Assessment(
            position=1, slug="quiz", kind=AssessmentKind.QUIZ, title="Check your understanding", pass_mark=80,
            attempts=3,
            questions=[
                {
                    "id": "which", "type": "single", "prompt": "Which?",
                    "options": [["a", "This"], ["b", "That"], ["c", "The other"]],
                    "correct": ["a"], "explanation": "Because.",
                }
            ],
        )
    ]
    db.session.add(version)
    db.session.commit()
    return version
