"""Courses, loaded from the files under courses/."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Course(db.Model):
    """A course, identified by its slug; its content lives in versions."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The folder name under courses/, e.g. "digital-leadership".
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"
