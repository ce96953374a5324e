"""Importing is idempotent by content hash, versions a changed course and never touches old versions."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.courses.importing import import_courses, plan_import
from app.courses.models import Course, CourseFile, CourseVersion, Lesson
from app.extensions import db
from tests.courses.conftest import BROKEN, GOOD, edit
from tests.factories import make_user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_importing_a_course_stores_its_modules_lessons_assessments_and_images(admin):
    report = import_courses(GOOD, actor=admin)
    assert report.ok
    [outcome] = report.outcomes
    assert outcome.description == "new course, version 1 (2027.1)"
    version = db.session.scalar(select(CourseVersion))
    assert (version.course.slug, version.number, version.label, version.attendance_threshold,
            version.live_sessions) == ("leading-change", 1, "2027.1", 75, 4)
    assert version.imported_by_id == admin.id
    assert [m.slug for m in version.modules] == ["01-user-needs", "02-delivery"]
    first = version.modules[0]
    assert [lesson.title for lesson in first.lessons] == [
        "What a user need is",
        "Finding out what people need",
    ]
    assert 'src="course-file:01-user-needs/images/journey.png"' in first.lessons[0].html
    assert [(a.kind.value, a.slug, a.required) for m in version.modules for a in m.assessments] == [
        ("quiz", "quiz", True),
        ("assignment", "assignment", True),
    ]
    [image] = version.files
    assert (image.path, image.media_type) == ("01-user-needs/images/journey.png", "image/png")
    assert image.content.startswith(b"\x89PNG")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.imported"))
    assert event.actor_id == admin.id and event.changes["number"] == 1


def test_importing_an_unchanged_course_twice_makes_one_version(courses_folder):
    import_courses(courses_folder)
    db.session.commit()
    again = import_courses(courses_folder)
    db.session.commit()
    assert [o.description for o in again.outcomes] == ["unchanged (version 1, 2027.1)"]
    assert again.changed == []
    assert (count(Course), count(CourseVersion), count(Lesson)) == (1, 1, 3)


def test_editing_a_lesson_makes_a_second_version_and_leaves_the_first_as_it_was(courses_folder):
    import_courses(courses_folder)
    db.session.commit()
    lesson = courses_folder / "leading-change/02-delivery/01-small-steps.md"
    edit(lesson, "Put a small change", "Put one small change")
    edit(courses_folder / "leading-change/course.yaml", "title: Leading change", "title: Leading change well")
    report = import_courses(courses_folder)
    db.session.commit()
    assert [o.description for o in report.outcomes] == ["new version 2 (2027.1)"]
    first, second = db.session.scalars(select(CourseVersion).order_by(CourseVersion.number)).all()
    assert "Put a small change" in first.modules[1].lessons[0].html
    assert "Put one small change" in second.modules[1].lessons[0].html
    assert (first.title, second.title) == ("Leading change", "Leading change well")
    assert db.session.scalar(select(Course)).title == "Leading change well"
    assert count(CourseFile) == 2  # each version keeps its own copy of the image


def test_a_course_with_problems_is_refused_and_nothing_is_imported(courses_folder):
    shutil.copytree(BROKEN, courses_folder, dirs_exist_ok=True)
    report = import_courses(courses_folder)
    assert not report.ok and report.outcomes == []
    assert any(p.file == "broken-course/01-first/quiz.yaml" for p in report.problems)
    assert count(Course) == 0


def test_the_plan_says_what_an_import_would_do_without_doing_it(courses_folder):
    assert [o.description for o in plan_import(courses_folder).outcomes] == ["new course, version 1 (2027.1)"]
    assert count(CourseVersion) == 0
    import_courses(courses_folder)
    db.session.commit()
    edit(courses_folder / "leading-change/course.yaml", 'version: "2027.1"', 'version: "2027.2"')
    assert [o.description for o in plan_import(courses_folder).outcomes] == ["new version 2 (2027.2)"]
    assert count(CourseVersion) == 1


def test_a_command_line_import_records_no_actor(courses_folder):
    make_user("admin")
    import_courses(courses_folder)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.imported"))
    assert event.actor_id is None


def test_the_courses_in_the_repository_import_within_every_limit(app):
    report = import_courses(app.config["COURSES_DIR"])
    assert report.ok and report.outcomes
    db.session.commit()
    assert count(CourseVersion) == len(report.outcomes)
