"""One way to report a broken rule: services raise a DomainError, views show it on the form."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; the message is fit to show a person, beside `field` when given."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def show_error(form, error: DomainError, default: str | None = None) -> None:
    """Put the error beside its field (or `default`), else at the top of the form."""
    field = form._fields.get(error.field or default or "")
    (field.errors if field is not None else form.form_errors).append(str(error))
