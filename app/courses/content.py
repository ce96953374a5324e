"""A course as read from its folder: plain data, checked and ready to import."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from app.courses.checks import Problem
from app.courses.models import CourseFile, CourseVersion, Lesson

#: What a course's files are checked against, so that whatever passes can be stored and used.
TITLE_LENGTH = Lesson.__table__.c.title.type.length
LABEL_LENGTH = CourseVersion.__table__.c.label.type.length
SLUG_LENGTH = Lesson.__table__.c.slug.type.length
PATH_LENGTH = CourseFile.__table__.c.path.type.length
MAX_FILE_BYTES = 1024 * 1024
MAX_LESSON_MINUTES = 24 * 60
MAX_MODULE_HOURS = 1000
MAX_ATTEMPTS = 100
#: Ten years of days: a cohort's dates must stay real dates.
MAX_OFFSET_DAYS = 3650


@dataclass
class ImageContent:
    path: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class LessonContent:
    slug: str
    title: str
    minutes: int
    required: bool
    html: str


@dataclass
class AssessmentContent:
    slug: str
    kind: str
    title: str
    required: bool
    pass_mark: int | None = None
    attempts: int | None = None
    questions: list[dict] | None = None
    due_after_days: int | None = None
    brief_html: str | None = None
    criteria: list[str] | None = None


@dataclass
class ModuleContent:
    slug: str
    title: str
    summary: str
    hours: float
    opens_after_days: int
    due_after_days: int
    lessons: list[LessonContent] = field(default_factory=list)
    assessments: list[AssessmentContent] = field(default_factory=list)


@dataclass
class CourseContent:
    slug: str
    title: str
    label: str
    summary: str
    attendance_threshold: int
    live_sessions: int
    content_hash: str
    modules: list[ModuleContent] = field(default_factory=list)
    images: dict[str, ImageContent] = field(default_factory=dict)


@dataclass
class LoadReport:
    """The sound courses found, and every problem in the others."""

    courses: list[CourseContent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems
