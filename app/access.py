"""Who may use each view, declared on the view and enforced for every request.

Every view carries one of `public`, `signed_in` or `roles(...)`. A view without a
declaration is refused (fail closed), and a test walks the URL map to prove each
declaration holds for every role. Anonymous people are sent to sign in; signed-in people
without the role get a 404, so a page's existence is not confirmed to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask, abort, current_app, request
from flask_login import current_user

from app.auth.models import Role
from app.extensions import login_manager

#: Endpoints served by Flask or for static files, which need no declaration.
UNDECLARED_OK = frozenset({"static", "govuk_assets"})


@dataclass(frozen=True)
class Access:
    #: "public", "signed_in" or "roles"
    kind: str
    roles: frozenset[Role] = frozenset()

    def allows(self, user) -> bool:
        if self.kind == "public":
            return True
        if not user.is_authenticated:
            return False
        return self.kind == "signed_in" or user.has_role(*self.roles)


def _declare(access: Access) -> Callable:
    def decorate(view):
        view.access = access
        return view

    return decorate


public = _declare(Access("public"))
signed_in = _declare(Access("signed_in"))


def roles(*allowed: Role) -> Callable:
    """Only people holding at least one of these roles."""
    return _declare(Access("roles", frozenset(allowed)))


def declared_access(endpoint: str | None) -> Access | None:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access", None)


def enforce_access() -> None:
    """before_request: apply the declaration of the view about to run."""
    if request.endpoint is None or request.endpoint in UNDECLARED_OK:
        return None
    access = declared_access(request.endpoint)
    if access is None:
        abort(404)
    if access.allows(current_user):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(404)


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
