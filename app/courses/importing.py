"""Importing courses from their folders: all or nothing, idempotent, versioned.

An unchanged course (the same content hash as its latest version) changes nothing; a changed
one becomes a new version; versions already imported are never touched, so a cohort keeps
the content it started with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.audit.services import record
from app.courses.checks import Problem
from app.courses.content import CourseContent
from app.courses.course_folders import load_courses
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


@dataclass
class CourseOutcome:
    """What importing one course did, or would do."""

    slug: str
    title: str
    label: str
    #: The version number it is (or would be) imported as; the unchanged latest's if unchanged.
    number: int
    changed: bool
    new_course: bool

    @property
    def description(self) -> str:
        if not self.changed:
            return f"unchanged (version {self.number}, {self.label})"
        if self.new_course:
            return f"new course, version 1 ({self.label})"
        return f"new version {self.number} ({self.label})"


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    outcomes: list[CourseOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> list[CourseOutcome]:
        return [outcome for outcome in self.outcomes if outcome.changed]


def _latest(slug: str) -> tuple[Course | None, CourseVersion | None]:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return None, None
    latest = db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course.id)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )
    return course, latest


def _outcome(content: CourseContent) -> CourseOutcome:
    course, latest = _latest(content.slug)
    changed = latest is None or latest.content_hash != content.content_hash
    number = (latest.number if latest else 0) + (1 if changed else 0)
    return CourseOutcome(
        content.slug, content.title, content.label, number, changed, new_course=course is None
    )


def plan_import(path: Path) -> ImportReport:
    """What importing the courses at `path` would do, and every problem that prevents it."""
    loaded = load_courses(path)
    return ImportReport(loaded.problems, [_outcome(content) for content in loaded.courses])


def import_courses(path: Path, actor=None) -> ImportReport:
    """Import every course at `path`, or none of them if any has a problem."""
    loaded = load_courses(path)
    if not loaded.ok:
        return ImportReport(problems=loaded.problems)
    return ImportReport(outcomes=[import_course(content, actor) for content in loaded.courses])


def import_course(content: CourseContent, actor=None) -> CourseOutcome:
    """Import one checked course: a new version if its content changed, else nothing."""
    outcome = _outcome(content)
    if not outcome.changed:
        return outcome
    course, _ = _latest(content.slug)
    if course is None:
        course = Course(slug=content.slug, title=content.title)
        db.session.add(course)
    course.title = content.title
    version = CourseVersion(
        course=course,
        number=outcome.number,
        label=content.label,
        title=content.title,
        summary=content.summary,
        attendance_threshold=content.attendance_threshold,
        live_sessions=content.live_sessions,
        content_hash=content.content_hash,
        imported_by_id=actor.id if actor is not None else None,
        modules=[_module(position, module) for position, module in enumerate(content.modules, start=1)],
        files=[
            CourseFile(
                path=image.path, media_type=image.media_type, content=image.content, sha256=image.sha256
            )
            for image in content.images.values()
        ],
    )
    db.session.add(version)
    db.session.flush()
    record(
        actor,
        "course.imported",
        version,
        {
            "course": content.slug,
            "number": version.number,
            "label": version.label,
            "hash": content.content_hash,
        },
    )
    return outcome


def _module(position: int, module) -> Module:
    lessons = [
        Lesson(
            position=index,
            slug=lesson.slug,
            title=lesson.title,
            minutes=lesson.minutes,
            required=lesson.required,
            html=lesson.html,
        )
        for index, lesson in enumerate(module.lessons, start=1)
    ]
    assessments = [
        Assessment(
            position=index,
            slug=item.slug,
            kind=AssessmentKind(item.kind),
            title=item.title,
            required=item.required,
            pass_mark=item.pass_mark,
            attempts=item.attempts,
            questions=item.questions,
            due_after_days=item.due_after_days,
            brief_html=item.brief_html,
            criteria=item.criteria,
        )
        for index, item in enumerate(module.assessments, start=1)
    ]
    return Module(
        position=position,
        slug=module.slug,
        title=module.title,
        summary=module.summary,
        hours=module.hours,
        opens_after_days=module.opens_after_days,
        due_after_days=module.due_after_days,
        lessons=lessons,
        assessments=assessments,
    )
