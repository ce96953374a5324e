"""Signed-in sessions: who a session cookie belongs to, and for how long it is good.

The cookie holds the account id with its session version (`User.get_id`), the time the
person signed in and the time of their last request. A cookie is refused, so the person
is signed out, when the version has changed (a new password, signing out anywhere),
when they signed in more than SESSION_MAX_HOURS ago, or when it has not been used for
SESSION_IDLE_MINUTES. A copy of an old cookie therefore stops working too.
"""

from __future__ import annotations

import time
from functools import cache

from flask import current_app, session
from flask_login import login_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.extensions import db, login_manager

#: How stale the cookie's time of last request may grow before it is renewed, in seconds:
#: an idle session therefore ends within this long of SESSION_IDLE_MINUTES.
SEEN_AT_STEP = 60


def start_session(user: User) -> None:
    """Sign `user` in on this browser, with a fresh sign-in time."""
    login_user(user)
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now


def _still_fresh(now: float) -> bool:
    config = current_app.config
    signed_in_at, seen_at = session.get("signed_in_at"), session.get("seen_at")
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return False
    return (
        now - signed_in_at < config["SESSION_MAX_HOURS"] * 3600
        and now - seen_at < config["SESSION_IDLE_MINUTES"] * 60
    )


@cache
def _account() -> Select:
    """The account with the id `id`, its roles joined in: every page asks for them, and this
    saves it a query. Made once, on first use (when every model is mapped): making it cost a
    fifth of loading the account."""
    return select(User).options(joinedload(User.grants)).where(User.id == bindparam("id"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The person this session belongs to, or None once it is revoked, too old or idle."""
    user_id, _, version = session_id.partition(":")
    now = time.time()
    if not (user_id.isascii() and user_id.isdigit() and version) or not _still_fresh(now):
        return None
    user = db.session.execute(_account(), {"id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or user.session_version != version:
        return None
    if now - session["seen_at"] >= SEEN_AT_STEP:  # a new cookie for each request would cost every page
        session["seen_at"] = int(now)
    return user
