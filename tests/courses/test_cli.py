"""`flask courses validate` and `flask courses import`."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from app.courses.models import CourseVersion
from app.extensions import db
from tests.courses.conftest import BROKEN, GOOD, edit


def run(app, *args):
    return app.test_cli_runner().invoke(args=["courses", *args])


def version_count() -> int:
    return db.session.scalar(select(func.count(CourseVersion.id)))


def test_validate_passes_a_sound_course(app):
    result = run(app, "validate", str(GOOD))
    assert result.exit_code == 0
    assert "1 course checked, no problems: leading-change" in result.output


def test_validate_names_the_file_and_line_of_a_broken_quiz_and_a_missing_lesson(app, courses_folder):
    module = courses_folder / "leading-change/01-user-needs"
    (module / "02-finding-out.md").unlink()
    edit(module / "quiz.yaml", "    correct: [b]", "    correct: [e]")
    result = run(app, "validate", str(courses_folder))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{module}/module.yaml:9: the lesson file 02-finding-out.md does not exist in this module's folder",
        f'{module}/quiz.yaml:12: the correct answer "e" is not one of the options (a, b, c)',
    ]
    assert "2 problems found." in result.stderr


def test_validate_reports_every_problem_of_the_broken_course_in_one_run(app):
    result = run(app, "validate", str(BROKEN / "broken-course"))
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 19
    files = {Path(line.split(":", 1)[0]) for line in result.stdout.splitlines()}
    # Paths work from where the command ran, so an editor can jump to each one.
    assert all(file.is_file() and file.resolve().is_relative_to(BROKEN) for file in files)
    assert len(files) == 5


def test_validate_checks_the_repository_folder_by_default(app, repository_courses):
    shutil.copytree(BROKEN, repository_courses, dirs_exist_ok=True)
    result = run(app, "validate")
    assert result.exit_code == 1
    assert f"{repository_courses}/broken-course/course.yaml:5: unknown key" in result.stdout


def test_import_twice_makes_one_version_and_an_edit_makes_a_second(app, courses_folder):
    first = run(app, "import", str(courses_folder))
    assert first.exit_code == 0 and first.output == "leading-change: new course, version 1 (2027.1)\n"
    assert run(app, "import", str(courses_folder)).output == "leading-change: unchanged (version 1, 2027.1)\n"
    assert version_count() == 1
    edit(
        courses_folder / "leading-change/01-user-needs/01-what-a-need-is.md",
        "Needs, not tools",
        "Needs first",
    )
    assert run(app, "import", str(courses_folder)).output == "leading-change: new version 2 (2027.1)\n"
    assert version_count() == 2


def test_import_refuses_a_folder_with_problems(app, courses_folder):
    shutil.copytree(BROKEN, courses_folder, dirs_exist_ok=True)
    result = run(app, "import", str(courses_folder))
    assert result.exit_code == 1
    assert "Nothing was imported." in result.stderr
    assert "broken-course/01-first/quiz.yaml:2:" in result.stdout
    assert version_count() == 0


def test_validate_refuses_what_import_could_not_store(app, courses_folder):
    module = courses_folder / "leading-change/01-user-needs"
    edit(module / "module.yaml", "hours: 2.5", "hours: .nan")
    edit(module / "module.yaml", "due_after_days: 14", "due_after_days: 3000000")
    result = run(app, "validate", str(courses_folder))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f'{module}/module.yaml:4: "hours" must be 1000 or less, not .nan',
        f'{module}/module.yaml:6: "due_after_days" must be from 0 to 3650, not 3000000',
    ]
