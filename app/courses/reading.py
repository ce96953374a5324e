"""Where a course page's links point: a participant's own course, or staff previewing a version."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.courses.lesson_outline import OutlineLesson
from app.courses.models import AssessmentKind, CourseVersion, Lesson, Module
from app.courses.rendering import html_for_page
from app.timeutil import format_date

#: A lesson as a page reads it: an ORM object, or a row of a lesson page's outline.
_LESSONS = (Lesson, OutlineLesson)


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

    def step_url(self, step) -> str:
        """Where a step of the course (a lesson or an assessment) opens."""
        if isinstance(step, _LESSONS):
            return self.lesson_url(step.module, step)
        return self.assessment_url(step.module, step)

    def about_url(self, about) -> str:
        """Where a checklist item leads: a module's lessons on the overview, or an assessment."""
        if isinstance(about, Module):
            return f"{self.overview_url()}#module-{about.position}-heading"
        return self.assessment_url(about.module, about)

    def step_label(self, step) -> str:
        """A step's name in a list: a lesson's title, or "Quiz: ..." for an assessment."""
        return step.title if isinstance(step, _LESSONS) else f"{step.kind.label}: {step.title}"

    def tasks(self, module: Module, completed: dict, statuses: dict, opens_on=None) -> list[dict]:
        """The module's lessons then its assessments as govukTaskList items, each with the
        status this reader sees: staff see what each task is; a participant, where they stand.
        A module that opens later (`opens_on`) lists its tasks with the day they open."""
        tasks = [self._lesson_task(module, lesson, completed) for lesson in module.lessons] + [
            self._assessment_task(module, assessment, statuses.get(assessment.id)) for assessment in module.assessments
        ]
        if opens_on is None:
            return tasks
        status = {"text": f"Opens on {format_date(opens_on)}", "classes": "govuk-task-list__status--cannot-start-yet"}
        return [{**task, "href": None, "status": status} for task in tasks]

    def _lesson_task(self, module: Module, lesson, completed: dict) -> dict:
        if self.preview:
            status = {"text": "Required" if lesson.required else "Optional"}
        elif lesson.id in completed:
            status = {"text": "Completed"}
        else:
            status = {"tag": {"text": "Not started", "classes": "govuk-tag--blue"}}
        return {
            "title": {"text": lesson.title},
            "href": self.lesson_url(module, lesson),
            "hint": {"text": f"{lesson.minutes} minutes" + ("" if lesson.required else ", optional")},
            "status": status,
        }

    def _assessment_task(self, module: Module, assessment, standing) -> dict:
        href = self.assessment_url(module, assessment)
        if self.preview:
            status = {"text": "Preview"}
        elif standing is None:
            href, status = None, {"text": "Cannot start yet", "classes": "govuk-task-list__status--cannot-start-yet"}
        elif standing.passed:
            status = {"text": "Passed"}
        else:
            status = {"tag": {"text": standing.state.label, "classes": standing.state.tag_colour}}
        pass_mark = f", pass mark {assessment.pass_mark}%" if assessment.pass_mark is not None else ""
        return {
            "title": {"text": f"{assessment.kind.label}: {assessment.title}"},
            "href": href,
            "hint": {"text": ("Required" if assessment.required else "Optional") + pass_mark},
            "status": status,
        }

    def html(self, stored: str):
        """Stored lesson HTML with its images pointing at this version's files."""
        return html_for_page(
            stored, lambda path: url_for("courses.course_file", version_id=self.version.id, path=path)
        )
