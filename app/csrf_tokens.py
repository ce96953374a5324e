"""Each session's signed CSRF token, made once per process rather than on every page.

Flask-WTF signs the session's raw token afresh on each request that draws a form, and every
signed-in page draws one (the sign-out button): that signing cost a signed-in page a fifth of
its time. With no time limit on tokens (config.WTF_CSRF_TIME_LIMIT is None) a token signed
once is as good as a new one for the whole session, so the first one Flask-WTF signs is kept
and handed back to it, which uses the request's token when it has one (in g.csrf_token).
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, g, session
from flask_wtf.csrf import generate_csrf

#: Where Flask-WTF keeps the raw token in the session, and the request's signed one in g.
FIELD = "csrf_token"


@lru_cache(maxsize=4096)
def _signed(raw: str) -> str:
    """The session's raw token `raw`, signed by Flask-WTF: with no token in g, generate_csrf
    signs the session's, which is `raw`."""
    g.pop(FIELD, None)
    return generate_csrf()


def reuse_signed_token() -> None:
    """before_request: the session's token as signed before, if it has one."""
    raw = session.get(FIELD)
    if isinstance(raw, str):
        setattr(g, FIELD, _signed(raw))


def init_app(app: Flask) -> None:
    if app.config["WTF_CSRF_TIME_LIMIT"] is not None:
        raise RuntimeError("CSRF tokens are reused for a whole session, so they cannot have a time limit")
    app.before_request(reuse_signed_token)
