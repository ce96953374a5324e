"""Reading courses: which version a person reads, its outline, and their progress through it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.cohorts.models import Cohort, Enrolment, EnrolmentStatus, ModuleSchedule
from app.courses.lesson_outline import OutlineAssessment, OutlineLesson, OutlineModule
from app.courses.models import Assessment, Course, CourseFile, CourseVersion, Lesson, LessonProgress, Module
from app.extensions import db
from app.signals import progress_recorded


def _latest_numbers():
    return (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("number"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )


def latest_versions():
    """A select of the latest version of every course, by course title."""
    latest = _latest_numbers()
    return (
        select(CourseVersion)
        .join(
            latest,
            (latest.c.course_id == CourseVersion.course_id) & (latest.c.number == CourseVersion.number),
        )
        .order_by(CourseVersion.title)
    )


def _cohort_versions(user_id):
    """A select of the versions pinned by the cohorts this person is (or was) taking: `user_id`
    is their id, or a bind parameter for it."""
    return (
        select(CourseVersion)
        .join(Cohort, Cohort.course_version_id == CourseVersion.id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(
            Enrolment.user_id == user_id,
            Enrolment.is_placed,
        )
        .order_by(CourseVersion.title)
    )


def _version_for(user, of_course) -> CourseVersion | None:
    """The version `user` reads of the course `of_course` picks out: their cohort's pinned
    version, or the latest imported for someone not yet in a cohort."""
    pinned = db.session.scalar(_cohort_versions(user.id).where(of_course).limit(1))
    return pinned or db.session.scalar(latest_versions().where(of_course))


def course_version_for(user, course: Course) -> CourseVersion | None:
    """The version of `course` that `user` reads."""
    return _version_for(user, CourseVersion.course_id == course.id)


def course_version_named(user, course_slug: str) -> CourseVersion | None:
    """The version that `user` reads of the course with this slug; None if there is no such
    course. The course is found inside the version's query, which saves a page a query."""
    pinned, latest = _named_version_selects()
    values = {"user_id": user.id, "course_slug": course_slug}
    return db.session.scalar(pinned, values) or db.session.scalar(latest, values)


@cache
def _named_version_selects() -> tuple[Select, Select]:
    """`_version_for`'s selects for a course by its slug, with the reader and the slug as the bind
    parameters `user_id` and `course_slug`: made once, as making them cost more than running them."""
    course_id = select(Course.id).where(Course.slug == bindparam("course_slug")).scalar_subquery()
    of_course = CourseVersion.course_id == course_id
    return _cohort_versions(bindparam("user_id")).where(of_course).limit(1), latest_versions().where(of_course)


def versions_for(user) -> list[CourseVersion]:
    """The version of each course that `user` reads: their cohorts' versions, else the latest."""
    return [version for version, _ in reading_list(user)]


def reading_list(user) -> list[tuple[CourseVersion, Progress]]:
    """The version of each course that `user` reads, as `versions_for`, each with their progress
    through it: its lessons and those they completed are counted beside it, in the same query."""
    pinned, latest = _reading_selects()
    rows = (db.session.execute(pinned, {"user_id": user.id}).all()
            or db.session.execute(latest, {"user_id": user.id}).all())
    return [(version, Progress(done, total)) for version, done, total in rows]


@cache
def _reading_selects() -> tuple[Select, Select]:
    """The reading list's selects, of a cohort's versions and of the latest, each version with its
    reader's completions and its lessons; the reader is the bind parameter `user_id`. They are
    made once: making them took half as long as running them."""
    user_id = bindparam("user_id")
    completed = (
        select(func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Module, Module.id == Lesson.module_id)
        .where(Module.version_id == CourseVersion.id, LessonProgress.user_id == user_id).scalar_subquery()
    )
    lessons = (
        select(func.count(Lesson.id)).join(Module, Module.id == Lesson.module_id)
        .where(Module.version_id == CourseVersion.id).scalar_subquery()
    )
    return (_cohort_versions(user_id).add_columns(completed, lessons),
            latest_versions().add_columns(completed, lessons))


@dataclass(frozen=True)
class ModuleDates:
    opens_on: date
    due_on: date


def module_dates_for(user, version: CourseVersion) -> dict[int, ModuleDates]:
    """Open and due dates by module id, from the participant's cohort on this version."""
    rows = db.session.execute(_module_dates_select(), {"user_id": user.id, "version_id": version.id})
    return {module_id: ModuleDates(opens_on, due_on) for module_id, opens_on, due_on in rows}


@cache
def _module_dates_select() -> Select:
    return (
        select(ModuleSchedule.module_id, ModuleSchedule.opens_on, ModuleSchedule.due_on)
        .join(Cohort, Cohort.id == ModuleSchedule.cohort_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(
            Cohort.course_version_id == bindparam("version_id"),
            Enrolment.user_id == bindparam("user_id"),
            Enrolment.is_placed,
        )
    )


def unopened(dates: dict[int, ModuleDates], today: date) -> dict[int, date]:
    """The day each module that has not opened yet opens, by module id: until then its
    lessons and assessments are closed alike."""
    return {module_id: entry.opens_on for module_id, entry in dates.items() if entry.opens_on > today}


def find_version(course_slug: str, number: int) -> CourseVersion | None:
    return db.session.scalar(
        select(CourseVersion).join(Course).where(Course.slug == course_slug, CourseVersion.number == number)
    )


def outline(version: CourseVersion) -> list[Module]:
    """The version's modules in order, each with its lessons and assessments loaded.

    Without their content: a page shows one lesson's HTML or one assessment's questions at
    most, and reading every one of them cost the lesson page a third of its time. What a page
    does show loads when first used."""
    return list(db.session.scalars(_outline_select(), {"version_id": version.id}))


@cache
def _outline_select() -> Select:
    return (
        select(Module)
        .where(Module.version_id == bindparam("version_id"))
        .order_by(Module.position)
        .options(
            selectinload(Module.lessons).defer(Lesson.html),
            selectinload(Module.assessments)
            .defer(Assessment.questions)
            .defer(Assessment.brief_html)
            .defer(Assessment.criteria),
        )
    )


def completions(user, version: CourseVersion) -> dict[int, datetime]:
    """When `user` completed each lesson of `version` they have completed, by lesson id."""
    rows = db.session.execute(_completions_select(), {"user_id": user.id, "version_id": version.id})
    return {lesson_id: completed_at for lesson_id, completed_at in rows}


@cache
def _completions_select() -> Select:
    return (
        select(LessonProgress.lesson_id, LessonProgress.completed_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonProgress.user_id == bindparam("user_id"), Module.version_id == bindparam("version_id"))
    )


@dataclass(frozen=True)
class Progress:
    """Lessons completed out of lessons to read."""

    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.completed == self.total

    @property
    def text(self) -> str:
        noun = "lesson" if self.total == 1 else "lessons"
        return f"{self.completed} of {self.total} {noun} completed"


@dataclass(frozen=True)
class CourseProgress:
    course: Progress
    modules: dict[int, Progress]


def progress(modules: list[Module], completed: dict[int, datetime]) -> CourseProgress:
    """Progress through each module and the whole course, from the lessons completed."""
    by_module = {
        module.id: Progress(
            sum(1 for lesson in module.lessons if lesson.id in completed), len(module.lessons)
        )
        for module in modules
    }
    return CourseProgress(
        Progress(sum(p.completed for p in by_module.values()), sum(p.total for p in by_module.values())),
        by_module,
    )


@dataclass(frozen=True)
class LessonPlace:
    """A lesson found in an outline, with its module and the steps either side of it in the
    course's order: each module's lessons, then its assessments."""

    lesson: Lesson | OutlineLesson
    module: Module | OutlineModule
    previous: Lesson | Assessment | OutlineLesson | OutlineAssessment | None
    next: Lesson | Assessment | OutlineLesson | OutlineAssessment | None


def find_lesson(modules: list, module_slug: str, lesson_slug: str, with_assessments: bool = True) -> LessonPlace | None:
    """The lesson at module_slug/lesson_slug in an outline (`outline`'s, or a lesson page's),
    and the steps before and after it in the course (lessons only for a reader with no cohort
    to take the assessments in)."""
    found = next(((module, lesson) for module in modules if module.slug == module_slug
                  for lesson in module.lessons if lesson.slug == lesson_slug), None)
    if found is None:
        return None
    steps = [step for module in modules
             for step in (*module.lessons, *(module.assessments if with_assessments else ()))]
    index = next(index for index, step in enumerate(steps) if step is found[1])
    before = steps[index - 1] if index > 0 else None
    after = steps[index + 1] if index + 1 < len(steps) else None
    return LessonPlace(found[1], found[0], before, after)


def complete_lesson(user, lesson: Lesson | OutlineLesson) -> bool:
    """Record that `user` has completed `lesson`; False if they already had."""
    exists = select(LessonProgress.id).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
    )
    if db.session.scalar(exists) is not None:
        return False
    try:
        # A double-click can race this insert; the unique constraint settles it.
        with db.session.begin_nested():
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id))
    except IntegrityError:
        return False
    _complete_enrolment_on(user, lesson)
    return True


def _complete_enrolment_on(user, lesson: Lesson) -> None:
    """If this lesson was the last thing left, the certificate is issued now."""
    enrolment = db.session.scalar(
        select(Enrolment).join(Cohort).where(
            Enrolment.user_id == user.id, Enrolment.status == EnrolmentStatus.ACTIVE,
            Cohort.course_version_id == lesson.module.version_id,
        )
    )
    if enrolment is not None:
        progress_recorded.send(enrolments=[enrolment], actor=user)


def find_file(version_id: int, path: str) -> CourseFile | None:
    return db.session.scalar(
        select(CourseFile).where(CourseFile.version_id == version_id, CourseFile.path == path)
    )


def courses_with_versions() -> tuple[list[Course], dict[int, list[CourseVersion]]]:
    """Every course by title, and each course's versions, newest first, by course id."""
    courses = db.session.scalars(select(Course).order_by(Course.title)).all()
    versions = db.session.scalars(
        select(CourseVersion).order_by(CourseVersion.course_id, CourseVersion.number.desc())
    ).all()
    return courses, {course.id: [v for v in versions if v.course_id == course.id] for course in courses}


def lesson_counts(version_ids=None) -> dict[int, int]:
    """How many lessons each course version has, by version id (every version if None). One query."""
    statement = select(Module.version_id, func.count(Lesson.id)).join(Lesson, Lesson.module_id == Module.id)
    if version_ids is not None:
        statement = statement.where(Module.version_id.in_(list(version_ids)))
    return dict(db.session.execute(statement.group_by(Module.version_id)).all())
