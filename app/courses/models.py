"""Courses, loaded from the files under courses/.

A course is an identity (its slug); its content lives in immutable versions, one per import
that changed something, so that a cohort can keep the version it started with.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, enum_type
from app.timeutil import utcnow


class Course(db.Model):
    """A course, identified by its slug; its content lives in versions."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The folder name under courses/, e.g. "digital-leadership".
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    #: The title of the latest version.
    title: Mapped[str] = mapped_column(String(200))

    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course", order_by="CourseVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseVersion(db.Model):
    """One imported state of a course's files; never changed once imported."""

    __tablename__ = "course_version"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    #: 1, 2, 3... in the order the versions were imported.
    number: Mapped[int]
    #: The label the authors gave it in course.yaml, e.g. "2027.1".
    label: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    #: Percentage of sessions a participant must attend to complete (excused ones left out).
    attendance_threshold: Mapped[int]
    #: How many live sessions a cohort holds: attendance settles only once that many are held.
    live_sessions: Mapped[int]
    #: SHA-256 of every file the import read: an unchanged folder imports as nothing new.
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The admin who ran the import; None from the command line.
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(back_populates="versions", lazy="joined")
    modules: Mapped[list[Module]] = relationship(
        back_populates="version", order_by="Module.position", cascade="all, delete-orphan"
    )
    files: Mapped[list[CourseFile]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<CourseVersion {self.course_id} #{self.number} {self.label}>"


class Module(db.Model):
    """A module of a course version: lessons to read and assessments to pass."""

    __tablename__ = "module"
    __table_args__ = (UniqueConstraint("version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id", ondelete="CASCADE"))
    #: 1-based place in the course.
    position: Mapped[int]
    #: The module's folder name, e.g. "01-why-digital".
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    #: Estimated hours of study.
    hours: Mapped[float]
    #: Days after a cohort starts that the module opens, and that its work is due.
    opens_after_days: Mapped[int]
    due_after_days: Mapped[int]

    version: Mapped[CourseVersion] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="module", order_by="Assessment.position", cascade="all, delete-orphan"
    )

    @property
    def hours_text(self) -> str:
        """'1 hour', '4 hours', '2.5 hours'."""
        hours = f"{self.hours:g}"
        return f"{hours} hour" if hours == "1" else f"{hours} hours"

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class Lesson(db.Model):
    """A lesson to read, rendered from Markdown and sanitised when imported."""

    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    #: 1-based reading order within the module.
    position: Mapped[int]
    #: The file name without ".md", e.g. "01-what-digital-means".
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    #: Estimated reading time.
    minutes: Mapped[int]
    #: Whether completing the course needs this lesson completed.
    required: Mapped[bool] = mapped_column(default=True)
    #: Sanitised HTML; images point at "course-file:<path>" until rendered for a page.
    html: Mapped[str] = mapped_column(Text)

    module: Mapped[Module] = relationship(back_populates="lessons")

    def __repr__(self) -> str:
        return f"<Lesson {self.slug}>"


class AssessmentKind(enum.StrEnum):
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"

    @property
    def label(self) -> str:
        return {"quiz": "Quiz", "assignment": "Assignment"}[self.value]


class Assessment(db.Model):
    """A quiz (marked automatically) or an assignment (marked by a facilitator)."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    #: 1-based order within the module, after its lessons.
    position: Mapped[int]
    #: The file name without its extension, e.g. "quiz" or "assignment".
    slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[AssessmentKind] = mapped_column(
        enum_type(AssessmentKind, 20)
    )
    title: Mapped[str] = mapped_column(String(200))
    #: Whether completing the course needs this assessment passed.
    required: Mapped[bool] = mapped_column(default=True)
    #: Quiz: the percentage of questions to answer correctly to pass, and attempts allowed.
    pass_mark: Mapped[int | None]
    attempts: Mapped[int | None]
    #: Quiz: [{"id", "type": "single"|"multiple", "prompt", "options": [[id, text], ...],
    #: "correct": [id, ...], "explanation"}], in the file's order.
    questions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    #: Assignment: days after the cohort starts that it is due.
    due_after_days: Mapped[int | None]
    #: Assignment: the brief as sanitised HTML, and the marking criteria as short sentences.
    brief_html: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[list[str] | None] = mapped_column(JSON)

    module: Mapped[Module] = relationship(back_populates="assessments")

    @property
    def label(self) -> str:
        """A short name that says where it is: "Module 4 quiz", "Module 2 assignment"."""
        return f"Module {self.module.position} {self.kind.value}"

    def __repr__(self) -> str:
        return f"<Assessment {self.kind} {self.slug}>"


class CourseFile(db.Model):
    """An image from a course folder, kept with its version so it can be served as it was."""

    __tablename__ = "course_file"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id", ondelete="CASCADE"))
    #: Path inside the course folder, e.g. "01-why-digital/images/journey.png".
    path: Mapped[str] = mapped_column(String(300))
    #: Checked against the file's first bytes when imported: only PNG, JPEG, GIF and WebP.
    media_type: Mapped[str] = mapped_column(String(50))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class LessonProgress(db.Model):
    """A participant has completed a lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
