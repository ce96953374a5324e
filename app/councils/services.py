"""The councils register: importing the signatories CSV and finding councils."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, or_, select

from app.audit.services import record
from app.auth.models import User
from app.councils.models import Council, CouncilKind, Nation
from app.errors import DomainError
from app.extensions import db

#: ASCII digits only (not \d): councils are looked up by ranges of codes in order.
GSS_CODE = re.compile(r"^[ENSW][0-9]{8}$")
REQUIRED_COLUMNS = ("name", "gss_code", "kind", "signed_on")
#: 2018-07-04 or 04/07/2018, matched rather than strptime'd, which is slow for 100,000 rows.
DATE_FORMATS = (
    re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})$"),
    re.compile(r"^(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})$"),
)
NAME_LENGTH = Council.__table__.c.name.type.length
#: Councils looked up, or inserted, per statement: PostgreSQL takes at most 65,535
#: parameters, and inserting 5,000 rows a statement is twice as quick as SQLAlchemy's 1,000.
BATCH_SIZE = 5000
#: How much of a bad value a problem quotes back.
QUOTED_LENGTH = 40
NOT_UTF8 = (
    "The file must be saved as UTF-8: in Excel, choose \u2018CSV UTF-8\u2019 "
    "as the file type when you save it."
)

_KIND_NAMES = {kind.value: kind for kind in CouncilKind} | {
    kind.label.lower(): kind for kind in CouncilKind
} | {kind.value.replace("_", " "): kind for kind in CouncilKind}


class RegisterUnreadable(DomainError):
    """The register file as a whole cannot be read, so no row is looked at."""


@dataclass
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class CouncilRow:
    name: str
    gss_code: str
    kind: CouncilKind
    nation: Nation
    signed_on: date | None


def read_register(data: bytes) -> str:
    """The text of a register file saved as UTF-8, with or without a byte-order mark.

    Anything else is refused rather than guessed at: Latin-1 is not valid UTF-8, and UTF-16
    either starts with a byte-order mark that is not UTF-8 or, without one, has a NUL
    beside every letter.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterUnreadable(NOT_UTF8, field="file") from None
    if "\x00" in text:
        raise RegisterUnreadable(NOT_UTF8, field="file")
    return text


def _parse_date(text: str) -> date | None:
    """A date written as 2018-07-04 or 04/07/2018, else None."""
    for pattern in DATE_FORMATS:
        match = pattern.match(text)
        if match is not None:
            try:
                return date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                return None
    return None


def _quoted(value: str) -> str:
    """A bad value as a problem quotes it: in quotes, cut short if it is long."""
    if len(value) > QUOTED_LENGTH:
        value = value[:QUOTED_LENGTH] + "\u2026"
    return f"'{value}'"


def _read_row(
    cells: list[str], columns: list[int], line: int, first_line_of: dict[str, int]
) -> tuple[CouncilRow | None, list[str]]:
    """One row as a council, or None and what is wrong with it.

    `columns` are the places of the REQUIRED_COLUMNS in the row; `first_line_of` is where
    each GSS code was first seen.
    """
    problems = []
    name, code_text, kind_text, signed_text = (
        cells[place].strip() if place < len(cells) else "" for place in columns
    )
    code = code_text.upper()
    if not name:
        problems.append("the council name is missing")
    elif len(name) > NAME_LENGTH:
        problems.append(f"the council name is longer than {NAME_LENGTH} characters")
    if not GSS_CODE.match(code):
        problems.append(
            f"{_quoted(code_text)} is not a GSS code (a letter E, W, S or N and 8 digits, like E07000223)"
        )
    elif code in first_line_of:
        problems.append(f"GSS code {code} is also on line {first_line_of[code]}")
    else:
        first_line_of[code] = line
    kind = _KIND_NAMES.get(kind_text.lower())
    if kind is None:
        problems.append(f"{_quoted(kind_text)} is not a kind of council")
    signed_on = _parse_date(signed_text) if signed_text else None
    if signed_text and signed_on is None:
        problems.append(f"{_quoted(signed_text)} is not a date (write it as 2018-07-04 or 04/07/2018)")
    if problems:
        return None, problems
    return CouncilRow(name, code, kind, Nation.from_gss_code(code), signed_on), []


def parse_councils_csv(text: str) -> tuple[list[CouncilRow], list[RowProblem]]:
    """Every row of a register CSV, and every problem found, each with its line number.

    Lines may end in CR LF, LF or CR alone (as old Mac spreadsheets save them).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as error:
        return [], [RowProblem(1, f"the header row cannot be read as CSV ({error})")]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        return [], [RowProblem(1, f"the header row is missing the {'column' if len(missing) == 1 else 'columns'}: {', '.join(missing)}")]
    columns = [headers.index(column) for column in REQUIRED_COLUMNS]
    rows: list[CouncilRow] = []
    problems: list[RowProblem] = []
    first_line_of: dict[str, int] = {}
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            problems.append(RowProblem(reader.line_num, f"this line cannot be read as CSV ({error})"))
            break
        if cells is None:
            break
        if not cells:
            continue
        row, row_problems = _read_row(cells, columns, reader.line_num, first_line_of)
        if row is None:
            problems.extend(RowProblem(reader.line_num, p) for p in row_problems)
        else:
            rows.append(row)
    if not rows and not problems:
        problems.append(RowProblem(1, "the file has no councils in it"))
    return rows, problems


def import_councils(data: bytes, actor=None) -> ImportReport:
    """Create or update councils from a register CSV file: all rows or none.

    Re-importing the same file changes nothing; a changed row updates its council. Raises
    RegisterUnreadable if the file is not UTF-8 text.
    """
    rows, problems = parse_councils_csv(read_register(data))
    report = ImportReport(problems=problems)
    if problems:
        return report
    stored = _stored([row.gss_code for row in rows])
    new = [row.__dict__ for row in rows if row.gss_code not in stored]
    changed = {row.gss_code: row for row in rows if stored.get(row.gss_code, row) != row}
    if new:
        # Core's insert sends one executemany; the ORM's would split it at each blank date.
        statement = insert(Council.__table__).execution_options(insertmanyvalues_page_size=BATCH_SIZE)
        db.session.execute(statement, new)
    for low, high in _code_ranges(changed):
        for council in db.session.scalars(select(Council).where(Council.gss_code.between(low, high))):
            if council.gss_code in changed:
                _update(council, changed[council.gss_code], actor)
    report.created, report.updated = len(new), len(changed)
    report.unchanged = len(rows) - len(new) - len(changed)
    db.session.flush()
    record(
        actor,
        "councils.imported",
        "CouncilRegister",
        {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    return report


def _code_ranges(codes) -> list[tuple[str, str]]:
    """The first and last of each BATCH_SIZE codes in order, to look councils up by range.

    Not IN (...) with thousands of parameters: PostgreSQL compares every row with every
    parameter when its statistics are out of date, as they are just after a big import.
    """
    ordered = sorted(codes)
    return [
        (ordered[start], ordered[min(start + BATCH_SIZE, len(ordered)) - 1])
        for start in range(0, len(ordered), BATCH_SIZE)
    ]


def _stored(codes: list[str]) -> dict[str, CouncilRow]:
    """The councils already in the register with these codes, as rows to compare."""
    wanted = set(codes)
    columns = (Council.name, Council.gss_code, Council.kind, Council.nation, Council.signed_on)
    return {
        values.gss_code: CouncilRow(*values)
        for low, high in _code_ranges(wanted)
        for values in db.session.execute(select(*columns).where(Council.gss_code.between(low, high)))
        if values.gss_code in wanted
    }


def _update(council: Council, row: CouncilRow, actor) -> None:
    """Change a council to match its row, and record what changed."""
    changes = {
        key: [str(getattr(council, key)), str(value)]
        for key, value in row.__dict__.items()
        if getattr(council, key) != value
    }
    for key, value in row.__dict__.items():
        setattr(council, key, value)
    record(actor, "council.updated", council, changes)


def search_councils(query: str = "", signatories_only: bool = False):
    """A select of councils matching a name or GSS code, in name order, for paginating."""
    statement = select(Council).order_by(Council.name)
    query = query.strip()
    if query:
        statement = statement.where(
            or_(func.lower(Council.name).like(f"%{query.lower()}%"), Council.gss_code == query.upper())
        )
    if signatories_only:
        statement = statement.where(Council.signed_on.is_not(None))
    return statement


def council_people(council: Council) -> list[User]:
    """The people who belong to the council, by name."""
    return db.session.scalars(select(User).where(User.council_id == council.id).order_by(User.name)).all()
