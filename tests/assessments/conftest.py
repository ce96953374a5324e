"""A running cohort on the fixture course: module 1 has a quiz, module 2 an assignment."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest

from app.assessments.services import local_today
from app.cohorts.services import enrol
from app.courses.models import AssessmentKind
from app.extensions import db
from tests.courses.conftest import imported  # noqa: F401 - a fixture used here
from tests.factories import make_cohort, make_intake, make_user

#: The fixture course's quiz: two questions, 50% to pass, two attempts.
QUIZ_SLUG = "quiz"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes(main_type: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml") -> bytes:
    """A minimal Word document: a ZIP with the content types that make it one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture
def facilitator(app):
    return make_user("facilitator", name="Fay Marker")


@pytest.fixture
def cohort(imported, facilitator):  # noqa: F811
    """Started 20 days ago: both modules are open and the assignment is due in 8 days."""
    intake = make_intake(course=imported.course)
    return make_cohort(intake, facilitators=[facilitator], start_on=local_today() - timedelta(days=20))


@pytest.fixture
def participant(cohort):
    user = make_user("participant", name="Pat Learner")
    enrol(cohort, user, actor=None)
    db.session.commit()
    return user


def enrolment_of(user, cohort):
    from sqlalchemy import select

    from app.cohorts.models import Enrolment

    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.cohort_id == cohort.id))


def quiz_of(version):
    return next(a for m in version.modules for a in m.assessments if a.kind is AssessmentKind.QUIZ)


def assignment_of(version):
    return next(a for m in version.modules for a in m.assessments if a.kind is AssessmentKind.ASSIGNMENT)


def right_answers(quiz) -> dict[str, list[str]]:
    return {question["id"]: list(question["correct"]) for question in quiz.questions}


def wrong_answers(quiz) -> dict[str, list[str]]:
    return {
        question["id"]: [next(o for o, _ in question["options"] if o not in question["correct"])]
        for question in quiz.questions
    }
