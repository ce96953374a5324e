"""`flask councils import`: every failure is one plain line on stderr and exit code 1."""

from __future__ import annotations

from sqlalchemy import func, select, text

from app.councils.models import Council
from app.extensions import db

REGISTER = "name,gss_code,kind,signed_on\nAdur District Council,E07000223,District,2018-07-04\n"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["councils", "import", *args])


def councils_count() -> int:
    return db.session.scalar(select(func.count(Council.id)))


def test_a_register_is_imported_and_counted(app, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    result = run(app, str(path))
    assert (result.exit_code, result.stdout) == (0, "1 added, 0 updated, 0 unchanged\n")
    assert councils_count() == 1


def test_each_bad_row_is_reported_and_nothing_is_imported(app, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER + "Arun,E0700022,District,\n", encoding="utf-8")
    result = run(app, str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: Line 3: 'E0700022' is not a GSS code (a letter E, W, S or N and 8 digits, like E07000223)",
        "Nothing was imported.",
    ]
    assert councils_count() == 0


def test_a_file_in_another_encoding_is_one_line_and_exit_code_1(app, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(REGISTER.replace("Adur", "Crème").encode("utf-16"))
    result = run(app, str(path))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path}: The file must be saved as UTF-8")
    assert councils_count() == 0


def test_a_missing_file_or_a_folder_is_one_line_and_exit_code_1(app, tmp_path):
    for path, reason in ((tmp_path / "nowhere.csv", "No such file or directory"), (tmp_path, "Is a directory")):
        result = run(app, str(path))
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [f"{path}: the file cannot be read ({reason})"]
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_database_that_refuses_the_import_is_one_line_and_exit_code_1(app, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    db.session.execute(text("ALTER TABLE council RENAME TO council_elsewhere"))
    db.session.commit()
    try:
        result = run(app, str(path))
    finally:
        db.session.rollback()
        db.session.execute(text("ALTER TABLE council_elsewhere RENAME TO council"))
        db.session.commit()
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path}: nothing was imported, as the database refused it (")
    assert "council" in line
