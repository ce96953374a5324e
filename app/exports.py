"""CSV exports that open cleanly in Excel and run no formulas, streamed a line at a time.

A response is written as its rows arrive, so an export of any size (an intake's nominations,
the audit log) holds one batch of rows in memory, never the whole file.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from flask import Response, stream_with_context

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


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV a line at a time: a byte-order mark (so Excel reads the encoding) and a header row first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(cell) for cell in row])
        yield buffer.getvalue()


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """UTF-8 CSV with a byte-order mark and a header row, as one string."""
    return "".join(csv_lines(header, rows))


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    """A streamed UTF-8 CSV download.

    `rows` may read the database as it goes, but only from a query it starts itself once
    asked for its first row (a generator function's generator): the view's session has
    closed by then, and the stream runs in a session of its own."""
    lines = (line.encode("utf-8") for line in csv_lines(header, rows))
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
