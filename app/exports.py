"""CSV exports that open cleanly in Excel and run no formulas."""

from __future__ import annotations

import csv
import io
from typing import Iterable

from flask import Response

#: A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def slug(text: str) -> str:
    """Words as a safe file-name part: "Spring 2027 (pilot)" -> "spring-2027-pilot"."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def file_name(*parts: str, suffix: str = ".csv") -> str:
    """A download's file name from words: "Spring 2027", "cohorts" -> "spring-2027-cohorts.csv"."""
    return slug(" ".join(parts)) + suffix


def neutralise(value) -> str:
    """The cell as text; one that a spreadsheet would run as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """UTF-8 CSV with a byte-order mark (so Excel reads the encoding) and a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    return Response(
        csv_text(header, rows).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
