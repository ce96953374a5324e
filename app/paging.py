"""Pages of things db.paginate cannot page, or cannot page cheaply.

Use `db.paginate` for a select of one entity, `paginate_rows` for rows, `paginate_list` for
lists, `paginate_read` for a page whose items and total were read already and
`paginate_read_uncounted` for one whose items were read but whose total would read every row
to count (a page then links only to the previous and next)."""

from __future__ import annotations

from typing import Callable

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from app.extensions import db


class RowPage(Pagination):
    """A page of a select of several columns (db.paginate keeps only the first column)."""

    def _query_items(self) -> list:
        statement = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(statement).all())

    def _query_count(self) -> int:
        statement = self._query_args["select"].order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(statement))


class ListPage(Pagination):
    """A page of a list already built, sorted and filtered on figures SQL cannot sort by."""

    def _query_items(self) -> list:
        items = self._query_args["items"][self._query_offset : self._query_offset + self.per_page]
        each = self._query_args["each"]
        return items if each is None else [each(item) for item in items]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


class ReadPage(Pagination):
    """A page of items the caller has read already, with the total it has counted."""

    def _query_items(self) -> list:
        return self._query_args["items"]

    def _query_count(self) -> int:
        return self._query_args["total"]


class ReadUncountedPage(Pagination):
    """A page of items the caller has read already, with one more than it shows if there is a
    next page, rather than count them all: it links only to the previous and next. Its total
    is None."""

    def _query_items(self) -> list:
        items = self._query_args["items"]
        self._more = len(items) > self.per_page
        return items[: self.per_page]

    @property
    def has_next(self) -> bool:
        return self._more


def paginate_rows(statement, per_page: int) -> RowPage:
    return RowPage(select=statement, per_page=per_page, error_out=False)


def requested_page() -> int:
    """The page number asked for, read as the other pages read it: 1 if missing or not a number."""
    return max(request.args.get("page", 1, type=int), 1)


def paginate_read(items: list, page: int, per_page: int, total: int) -> ReadPage:
    return ReadPage(items=items, total=total, page=page, per_page=per_page, error_out=False)


def paginate_read_uncounted(items: list, page: int, per_page: int) -> ReadUncountedPage:
    """A page of `items` read for page number `page`: up to `per_page` of them and one more if
    there is a next page."""
    return ReadUncountedPage(items=items, page=page, per_page=per_page, error_out=False, count=False)


def paginate_list(items: list, per_page: int, each: Callable | None = None) -> ListPage:
    """A page of `items`; `each` makes what the page shows of an item, for the page's items only
    (a snapshot's stored rows, say, of which a page shows a few)."""
    return ListPage(items=items, each=each, per_page=per_page, error_out=False)
