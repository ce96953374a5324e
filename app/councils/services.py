"""The councils register: importing the signatories CSV and finding councils."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select

from app.audit.services import record
from app.auth.models import User
from app.councils.models import Council, CouncilKind, Nation
from app.extensions import db

GSS_CODE = re.compile(r"^[ENSW]\d{8}$")
REQUIRED_COLUMNS = ("name", "gss_code", "kind", "signed_on")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

_KIND_NAMES = {kind.value: kind for kind in CouncilKind} | {
    kind.label.lower(): kind for kind in CouncilKind
} | {kind.value.replace("_", " "): kind for kind in CouncilKind}


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


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_councils_csv(text: str) -> tuple[list[CouncilRow], list[RowProblem]]:
    """Every row of a register CSV, and every problem found, each with its line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        return [], [RowProblem(1, f"the header row is missing the {'column' if len(missing) == 1 else 'columns'}: {', '.join(missing)}")]
    reader.fieldnames = headers
    rows: list[CouncilRow] = []
    problems: list[RowProblem] = []
    first_line_of: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k}
        row_problems = []
        name = values.get("name", "")
        code = values.get("gss_code", "").upper()
        kind_text = values.get("kind", "").lower()
        signed_text = values.get("signed_on", "")
        if not name:
            row_problems.append("the council name is missing")
        if not GSS_CODE.match(code):
            row_problems.append(
                f"'{values.get('gss_code', '')}' is not a GSS code (a letter E, W, S or N and 8 digits, like E07000223)"
            )
        elif code in first_line_of:
            row_problems.append(f"GSS code {code} is also on line {first_line_of[code]}")
        else:
            first_line_of[code] = line
        kind = _KIND_NAMES.get(kind_text)
        if kind is None:
            row_problems.append(f"'{values.get('kind', '')}' is not a kind of council")
        signed_on = _parse_date(signed_text) if signed_text else None
        if signed_text and signed_on is None:
            row_problems.append(
                f"'{signed_text}' is not a date (write it as 2018-07-04 or 04/07/2018)"
            )
        if row_problems:
            problems.extend(RowProblem(line, p) for p in row_problems)
        else:
            rows.append(CouncilRow(name, code, kind, Nation.from_gss_code(code), signed_on))
    if not rows and not problems:
        problems.append(RowProblem(1, "the file has no councils in it"))
    return rows, problems


def import_councils(text: str, actor=None) -> ImportReport:
    """Create or update councils from a register CSV: all rows or none.

    Re-importing the same file changes nothing; a changed row updates its council.
    """
    rows, problems = parse_councils_csv(text)
    report = ImportReport(problems=problems)
    if problems:
        return report
    existing = {
        c.gss_code: c
        for c in db.session.scalars(
            select(Council).where(Council.gss_code.in_([r.gss_code for r in rows]))
        )
    }
    for row in rows:
        council = existing.get(row.gss_code)
        if council is None:
            db.session.add(Council(**row.__dict__))
            report.created += 1
            continue
        changes = {
            key: [str(getattr(council, key)), str(value)]
            for key, value in row.__dict__.items()
            if getattr(council, key) != value
        }
        if changes:
            for key, value in row.__dict__.items():
                setattr(council, key, value)
            record(actor, "council.updated", council, changes)
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    record(
        actor,
        "councils.imported",
        "CouncilRegister",
        {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    return report


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
