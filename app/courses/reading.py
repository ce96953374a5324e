"""Where a course page's links point: a participant's own course, or staff previewing a version."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.courses.models import AssessmentKind, CourseVersion, Module
from app.courses.rendering import html_for_page


@dataclass(frozen=True)
class Reading:
    """Where a course page's links go: a participant's own course, or staff previewing a version."""

    version: CourseVersion
    preview: bool

    def _values(self) -> dict:
        if self.preview:
            return {"course_slug": self.version.course.slug, "number": self.version.number}
        return {"course_slug": self.version.course.slug}

    def overview_url(self) -> str:
        return url_for("courses.preview" if self.preview else "courses.learning_overview", **self._values())

    def lesson_url(self, module: Module, lesson) -> str:
        endpoint = "courses.preview_lesson" if self.preview else "courses.learning_lesson"
        return url_for(endpoint, module_slug=module.slug, lesson_slug=lesson.slug, **self._values())

    def assessment_url(self, module: Module, assessment) -> str:
        """Staff open an assessment's preview; participants open the quiz or assignment itself."""
        if not self.preview:
            if assessment.kind is AssessmentKind.QUIZ:
                return url_for("assessments.quiz", quiz_id=assessment.id)
            return url_for("assessments.assignment", assignment_id=assessment.id)
        return url_for(
            "courses.preview_assessment",
            module_slug=module.slug,
            assessment_slug=assessment.slug,
            **self._values(),
        )

    def html(self, stored: str):
        """Stored lesson HTML with its images pointing at this version's files."""
        return html_for_page(
            stored, lambda path: url_for("courses.course_file", version_id=self.version.id, path=path)
        )
