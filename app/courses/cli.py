"""`flask courses validate` and `flask courses import`: the same checks as the admin's import page."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.courses.checks import Problem
from app.courses.importing import import_courses
from app.courses.course_folders import load_courses
from app.extensions import db
from app.wording import plural

courses = AppGroup("courses", help="Course content from the courses/ folder.")

PATH_ARGUMENT = click.argument(
    "path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)


def _folder(path: Path | None) -> Path:
    return path or Path(current_app.config["COURSES_DIR"])


def _echo_problems(folder: Path, problems: list[Problem]) -> None:
    """Each problem as file:line: message, the file as a path from where the command ran."""
    root = folder.resolve() if not (folder / "course.yaml").is_file() else folder.resolve().parent
    here = Path.cwd()
    for problem in problems:
        file = root / problem.file
        shown = file.relative_to(here) if file.is_relative_to(here) else file
        click.echo(f"{shown}:{problem.line}: {problem.message}")
    noun = "problem" if len(problems) == 1 else "problems"
    click.echo(f"{len(problems)} {noun} found.", err=True)


@courses.command("validate")
@PATH_ARGUMENT
def validate(path: Path | None) -> None:
    """Check a course folder, or a folder of courses (default COURSES_DIR), and report every problem."""
    folder = _folder(path)
    report = load_courses(folder)
    if not report.ok:
        _echo_problems(folder, report.problems)
        sys.exit(1)
    names = ", ".join(course.slug for course in report.courses) or "none"
    click.echo(f"{plural(len(report.courses), 'course')} checked, no problems: {names}")


@courses.command("import")
@PATH_ARGUMENT
def import_command(path: Path | None) -> None:
    """Import the courses at PATH (default COURSES_DIR): all or nothing, a new version when changed."""
    folder = _folder(path)
    report = import_courses(folder)
    if not report.ok:
        db.session.rollback()
        _echo_problems(folder, report.problems)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    db.session.commit()
    for outcome in report.outcomes:
        click.echo(f"{outcome.slug}: {outcome.description}")
    if not report.outcomes:
        click.echo(f"There are no courses in {folder}")
