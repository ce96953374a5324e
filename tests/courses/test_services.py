"""Which version a participant reads, finding lessons in reading order, completion and progress."""

from __future__ import annotations

from sqlalchemy import func, select

from app.courses import services
from app.courses.models import LessonProgress
from app.extensions import db
from tests.factories import make_course, make_course_version, make_user


def test_a_participant_reads_the_latest_version_of_a_course():
    course = make_course()
    make_course_version(course)
    latest = make_course_version(course)
    other = make_course_version(make_course(title="Another course"))
    participant = make_user("participant")
    assert services.course_version_for(participant, course) == latest
    assert services.versions_for(participant) == [other, latest]


def test_a_lesson_is_found_with_its_neighbours_across_modules_and_their_assessments():
    version = make_course_version(modules=2, lessons=2)
    modules = services.outline(version)
    place = services.find_lesson(modules, "01-module-1", "02-lesson-1-2")
    assert place.lesson.title == "Lesson 1.2"
    assert (place.previous.title, place.next.title) == ("Lesson 1.1", "Check your understanding")
    after_the_quiz = services.find_lesson(modules, "02-module-2", "01-lesson-2-1")
    assert after_the_quiz.previous.title == "Check your understanding"
    first = services.find_lesson(modules, "01-module-1", "01-lesson-1-1")
    last = services.find_lesson(modules, "02-module-2", "02-lesson-2-2")
    assert first.previous is None and last.next is None
    assert services.find_lesson(modules, "02-module-2", "01-lesson-1-1") is None


def test_completing_a_lesson_twice_records_it_once():
    version = make_course_version()
    participant = make_user("participant")
    lesson = version.modules[0].lessons[0]
    assert services.complete_lesson(participant, lesson) is True
    assert services.complete_lesson(participant, lesson) is False
    db.session.commit()
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 1


def test_progress_counts_lessons_completed_per_module_and_for_the_course():
    version = make_course_version(modules=2, lessons=3)
    participant, someone_else = make_user("participant"), make_user("participant")
    first, second = version.modules
    for lesson in (first.lessons[0], first.lessons[2], second.lessons[1]):
        services.complete_lesson(participant, lesson)
    services.complete_lesson(someone_else, second.lessons[0])
    db.session.commit()
    modules = services.outline(version)
    progress = services.progress(modules, services.completions(participant, version))
    assert (progress.modules[first.id].completed, progress.modules[first.id].total) == (2, 3)
    assert progress.modules[second.id].text == "1 of 3 lessons completed"
    assert (progress.course.completed, progress.course.total, progress.course.percent) == (3, 6, 50)
    assert not progress.course.finished
    assert services.reading_list(participant) == [(version, progress.course)]


def test_progress_in_one_version_does_not_count_in_another():
    course = make_course()
    old, new = make_course_version(course), make_course_version(course)
    participant = make_user("participant")
    services.complete_lesson(participant, old.modules[0].lessons[0])
    db.session.commit()
    assert services.completions(participant, new) == {}
    assert [(version, progress.completed) for version, progress in services.reading_list(participant)] == [(new, 0)]


def test_a_course_of_one_lesson_reads_in_the_singular_and_finishes():
    version = make_course_version(modules=1, lessons=1)
    participant = make_user("participant")
    services.complete_lesson(participant, version.modules[0].lessons[0])
    progress = services.progress(services.outline(version), services.completions(participant, version))
    assert progress.course.text == "1 of 1 lesson completed"
    assert progress.course.finished and progress.course.percent == 100
