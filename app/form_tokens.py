"""One-time form tokens: a create form sent twice (a double click, a resend) creates one thing.

Each page with a create form carries a fresh token in a hidden field. The first submit claims
it in the same transaction as what it creates, and records where it went. A second submit of
the same token finds it claimed (or, on PostgreSQL, waits for the first to commit and then
finds it) and goes to the same place, with the same message, creating nothing.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import flash, redirect, request
from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import Length

from app.extensions import db
from app.forms import Form
from app.timeutil import utcnow

#: A claimed token is kept this long: far longer than anyone leaves a page before sending it twice.
KEPT_FOR = timedelta(days=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class FormToken(db.Model):
    """A create form's token, claimed by its first submit: where that went, and what it said."""

    __tablename__ = "form_token"

    token: Mapped[str] = mapped_column(String(43), primary_key=True)
    location: Mapped[str] = mapped_column(String(500))
    message: Mapped[str | None] = mapped_column(String(500))
    claimed_at: Mapped[datetime] = mapped_column(index=True)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class OnceForm(Form):
    """A form that creates something: render `form.form_token` beside `form.csrf_token`."""

    form_token = HiddenField(default=_new_token, validators=[Length(max=43)])


def claim(form: OnceForm) -> Response | None:
    """Claim the form's token for this submit; if an earlier submit has it, the way back to
    where that one went. A form sent without a token of ours is not protected."""
    token = form.form_token.data or ""
    if not _TOKEN.match(token):
        return None
    db.session.execute(delete(FormToken).where(FormToken.claimed_at < utcnow() - KEPT_FOR))
    earlier = db.session.get(FormToken, token)
    if earlier is None:
        try:
            with db.session.begin_nested():
                db.session.add(FormToken(token=token, location=request.path, claimed_at=utcnow()))
            return None
        except IntegrityError:  # claimed by a submit that committed while this one waited
            earlier = db.session.get(FormToken, token)
    location, message = earlier.location, earlier.message
    db.session.rollback()
    if message:
        flash(message)
    return redirect(location)


def done(form: OnceForm, location: str, message: str) -> None:
    """Record where the claiming submit goes and what it tells the person."""
    token = db.session.get(FormToken, form.form_token.data or "")
    if token is not None:
        token.location, token.message = location, message
