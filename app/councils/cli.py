"""`flask councils import`: the same import as the admin's upload page, from a file.

Every failure is reported in plain words on stderr with exit code 1, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.councils.services import RegisterUnreadable, import_councils
from app.extensions import db

councils = AppGroup("councils", help="The councils register.")


def _fail(message: str) -> NoReturn:
    """Undo the import, say why in one line and stop with exit code 1."""
    db.session.rollback()
    click.echo(message, err=True)
    sys.exit(1)


@councils.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def import_command(path: Path) -> None:
    """Import the signatories register from a CSV file (all rows or none)."""
    try:
        report = import_councils(path.read_bytes())
        if report.ok:
            db.session.commit()
    except OSError as error:
        _fail(f"{path}: the file cannot be read ({error.strerror or error})")
    except RegisterUnreadable as error:
        _fail(f"{path}: {error}")
    except SQLAlchemyError as error:
        _fail(f"{path}: nothing was imported, as the database refused it ({_first_line(error)})")
    if not report.ok:
        db.session.rollback()
        for problem in report.problems:
            click.echo(f"{path}: {problem}", err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{report.created} added, {report.updated} updated, {report.unchanged} unchanged")


def _first_line(error: SQLAlchemyError) -> str:
    """The database's own message, without SQLAlchemy's statement and parameters."""
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
