"""Pages of things db.paginate cannot page: rows of several columns, and built lists.

Use `db.paginate` for a select of one entity, `paginate_rows` for rows, `paginate_list` for lists."""

from __future__ import annotations

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
        items = self._query_args["items"]
        return items[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_rows(statement, per_page: int) -> RowPage:
    return RowPage(select=statement, per_page=per_page, error_out=False)


def paginate_list(items: list, per_page: int) -> ListPage:
    return ListPage(items=items, per_page=per_page, error_out=False)
