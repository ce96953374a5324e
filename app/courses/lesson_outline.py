"""A lesson page's outline of its course: every module's lessons and assessments, read as rows.

A lesson page shows its module's steps, the steps either side of it and the reader's progress
through the course. As ORM objects, with a query each for the modules, lessons, assessments,
the lesson's HTML, the reader's completions and their module dates, the outline cost the page
more than all the rest of it; here it is one query of the columns the page shows.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, bindparam, case, func, literal_column, null, select, type_coerce, union_all

from app.cohorts.models import Cohort, Enrolment, ModuleSchedule
from app.courses.models import Assessment, AssessmentKind, CourseVersion, Lesson, LessonProgress, Module
from app.extensions import db


class OutlineModule:
    """A module of a lesson page's outline, read as a row: its lessons and assessments follow."""

    __slots__ = ("id", "version_id", "position", "slug", "title", "opens_on", "lessons", "assessments")

    def __init__(self, id: int, version_id: int, position: int, slug: str, title: str, opens_on: date | None):
        self.id, self.version_id, self.position, self.slug, self.title = id, version_id, position, slug, title
        #: The day it opens in the reader's cohort; None for a reader with no cohort on the version.
        self.opens_on = opens_on
        self.lessons: list[OutlineLesson] = []
        self.assessments: list[OutlineAssessment] = []


class OutlineLesson(NamedTuple):
    module: OutlineModule
    id: int
    slug: str
    title: str
    minutes: int
    required: bool
    #: Only for the lesson the page shows; the others' HTML is left unread.
    html: str | None
    #: When the reader completed it, if they have.
    completed_at: datetime | None


class OutlineAssessment(NamedTuple):
    module: OutlineModule
    id: int
    slug: str
    kind: AssessmentKind
    title: str


def lesson_outline(version: CourseVersion, module_slug: str, lesson_slug: str, reader=None) -> list[OutlineModule]:
    """The version's modules in order with their lessons and assessments, the HTML of the
    lesson at module_slug/lesson_slug, and for `reader` (if any) when each module opens in
    their cohort and when they completed each lesson."""
    modules: dict[int, OutlineModule] = {}
    values = {"version_id": version.id, "module_slug": module_slug, "lesson_slug": lesson_slug,
              "user_id": reader.id if reader is not None else None}
    for row in db.session.execute(_lesson_outline_select(), values):
        module = modules.get(row.module_id)
        if module is None:
            module = modules[row.module_id] = OutlineModule(
                row.module_id, version.id, row.module_position, row.module_slug, row.module_title, row.opens_on)
        if row.kind is None:
            module.lessons.append(
                OutlineLesson(module, row.id, row.slug, row.title, row.minutes, row.required, row.html,
                              row.completed_at))
        else:
            module.assessments.append(OutlineAssessment(module, row.id, row.slug, row.kind, row.title))
    return list(modules.values())


@cache
def _lesson_outline_select() -> Select:
    """Each lesson then each assessment of the version `version_id` beside its module, in the
    course's order; the lesson at `module_slug`/`lesson_slug` with its HTML, each module with
    when it opens in the reader `user_id`'s cohort, and each lesson with when they completed it."""
    # A reader holds one place on a version; should they hold two, a module opens on the earlier day.
    schedule = (
        select(ModuleSchedule.module_id, func.min(ModuleSchedule.opens_on).label("opens_on"))
        .join(Cohort, Cohort.id == ModuleSchedule.cohort_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Cohort.course_version_id == bindparam("version_id"), Enrolment.user_id == bindparam("user_id"),
               Enrolment.is_placed)
        .group_by(ModuleSchedule.module_id)
        .cte("schedule")
    )
    module = (Module.id.label("module_id"), Module.position.label("module_position"),
              Module.slug.label("module_slug"), Module.title.label("module_title"), schedule.c.opens_on)
    here = (Module.slug == bindparam("module_slug")) & (Lesson.slug == bindparam("lesson_slug"))
    lessons = (
        select(*module, literal_column("0").label("order"), Lesson.position, Lesson.id, Lesson.slug, Lesson.title,
               Lesson.minutes, Lesson.required, type_coerce(null(), Assessment.kind.type).label("kind"),
               case((here, Lesson.html)).label("html"), LessonProgress.completed_at)
        .join(Lesson, Lesson.module_id == Module.id)
        .outerjoin(schedule, schedule.c.module_id == Module.id)
        .outerjoin(LessonProgress, (LessonProgress.lesson_id == Lesson.id)
                   & (LessonProgress.user_id == bindparam("user_id")))
        .where(Module.version_id == bindparam("version_id"))
    )
    assessments = (
        select(*module, literal_column("1"), Assessment.position, Assessment.id, Assessment.slug, Assessment.title,
               null(), null(), Assessment.kind, null(), null())
        .join(Assessment, Assessment.module_id == Module.id)
        .outerjoin(schedule, schedule.c.module_id == Module.id)
        .where(Module.version_id == bindparam("version_id"))
    )
    steps = union_all(lessons, assessments).subquery()
    return select(steps).order_by(steps.c.module_position, steps.c.order, steps.c.position)


def completed_in(modules: list[OutlineModule]) -> dict[int, datetime]:
    """When the reader completed each lesson of a lesson page's outline they have completed,
    by lesson id, as `completions` gives them."""
    return {lesson.id: lesson.completed_at for module in modules for lesson in module.lessons
            if lesson.completed_at is not None}
