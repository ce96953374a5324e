"""Factories: make a model with sensible defaults, override what the test cares about."""

from __future__ import annotations

import itertools
from datetime import date

from app.auth.models import Role, RoleGrant, User
from app.auth.services import set_password
from app.councils.models import Council, CouncilKind, Nation
from app.courses.models import Course
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
