"""Each session's signed CSRF token, made once per process rather than on every page.

Flask-WTF signs the session's raw token afresh on each request that draws a form, and every
signed-in page draws one (the sign-out button): that signing cost a signed-in page a fifth of
its time. With no time limit on tokens (config.WTF_CSRF_TIME_LIMIT is None) a token signed
once is as good as a new one for the whole session, so the first one is kept and handed to
Flask-WTF, which uses the request's token when it has one (generate_csrf reads g.csrf_token).
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, g, session
from itsdangerous import URLSafeTimedSerializer

#: Flask-WTF's names: the session key of the raw token and the salt of its signature.
FIELD = "csrf_token"
SALT = "wtf-csrf-token"


@lru_cache(maxsize=4096)
def _signed(secret_key: str, raw: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps(raw)


def reuse_signed_token() -> None:
    """before_request: the session's token as signed before, if it has one."""
    raw = session.get(FIELD)
    if isinstance(raw, str):
        setattr(g, FIELD, _signed(current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw))


def init_app(app: Flask) -> None:
    if app.config["WTF_CSRF_TIME_LIMIT"] is not None:
        raise RuntimeError("CSRF tokens are reused for a whole session, so they cannot have a time limit")
    app.before_request(reuse_signed_token)
