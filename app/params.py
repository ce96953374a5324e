"""Reading numbers and text from addresses and query strings, within what the database holds.

Every id in a URL goes through the `id` converter (`/cohorts/<id:cohort_id>`), every id in a
query string through `query_id`, and `?page=` through `check_request`, so a hand-edited
address gives a 404 or is ignored, never an overflow in the database. A NUL character in any
part of the address, query or form is refused with a 400 here, once, because PostgreSQL cannot store it.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import BaseConverter, ValidationError

#: The largest value of an `integer` column on PostgreSQL, the narrowest database we run on.
MAX_ID = 2**31 - 1
#: Pages beyond this are refused: no list of ours is anywhere near so long.
MAX_PAGE = 100_000
#: Years a date may have, typed or in a filter: nothing in the programme is outside them.
FIRST_YEAR, LAST_YEAR = 2000, 2100

_DIGITS = re.compile(r"[0-9]{1,10}")


def whole_number(text: str | None, *, at_most: int = MAX_ID) -> int | None:
    """`text` as a number from 0 to `at_most` written in ASCII digits, else None."""
    if text is None or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= at_most else None


def query_id(text: str | None) -> int | None:
    """An id from a query-string filter, or None to ignore a missing or impossible one."""
    number = whole_number(text)
    return number if number else None


#: The escape character of `like_pattern`'s text, as `contains(..., escape=LIKE_ESCAPE)` needs it.
LIKE_ESCAPE = "/"


def like_pattern(text: str) -> str:
    """`text` to find within a column by `contains(bindparam(...), escape=LIKE_ESCAPE)`, its
    wildcards escaped as `autoescape=True` escapes a literal (which a bound parameter cannot take)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


class IdConverter(BaseConverter):
    """An id in a URL: 1 to MAX_ID in ASCII digits; anything else matches no page (a 404)."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = query_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def check_request() -> None:
    """Refuse a NUL character anywhere in the address, query or form, and a page out of range."""
    path_values = [value for value in (request.view_args or {}).values() if isinstance(value, str)]
    if any("\x00" in value for value in [*path_values, *request.args.values(), *request.form.values()]):
        abort(400)
    if "page" in request.args and whole_number(request.args["page"], at_most=MAX_PAGE) is None:
        abort(404)


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.before_request(check_request)
