"""Accounts: passwords, invitations, resets and signing in."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import SelectChoice

from app.audit.services import record
from app.auth.models import COUNCIL_ROLES, PasswordResetRequest, Role, RoleGrant, User, new_session_version
from app.councils.models import Council
from app.errors import DomainError
from app.extensions import db
from app.intakes.models import Nomination, NominationStatus
from app.mail.services import queue_email
from app.paging import paginate_rows
from app.timeutil import utcnow
from app.urls import absolute_url

MIN_PASSWORD_LENGTH = 10


class AccountError(DomainError):
    """A rule about accounts was broken."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(path.read_text().split())


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None if it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if password.lower() in _common_passwords():
        return "Password is too common. Choose one that would be hard to guess"
    return None


def set_password(user: User, password: str) -> None:
    """Set a new password, after checking it against the rules; every session ends."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    user.password_set_at = utcnow()
    user.session_version = new_session_version()


def end_sessions(user: User) -> None:
    """End every session of this person, on every device, and any copy of one."""
    user.session_version = new_session_version()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None or not user.active:
        # Spend the same time as a real check, so timing does not reveal accounts.
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_seen_at = utcnow()
    return user


@lru_cache(maxsize=2)
def _dummy_hash(method: str) -> str:
    """A hash made the way real ones are, so checking it takes as long."""
    return generate_password_hash("not-a-real-password", method=method)


def change_password(user: User, current: str, new: str) -> None:
    """Change a password, if the current one is right; every session ends."""
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise AccountError("Your current password is not right", field="current_password")
    set_password(user, new)


# Tokens -------------------------------------------------------------------------------------

PURPOSES = {"invitation", "reset"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"account-{purpose}")


def _fingerprint(user: User) -> str:
    """Changes when the password does, so a used link stops working (single use), and when
    an invitation is sent again, so only the newest invitation works."""
    return sha256(f"{user.password_hash or 'unset'}|{user.invited_at}".encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    assert purpose in PURPOSES
    return _serializer(purpose).dumps({"user": user.id, "fp": _fingerprint(user)})


def _max_age(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == "invitation":
        return timedelta(days=config["INVITATION_MAX_AGE_DAYS"])
    return timedelta(hours=config["PASSWORD_RESET_MAX_AGE_HOURS"])


def user_for_token(token: str, purpose: str) -> User:
    """The user a link was made for, if it is genuine, unexpired and unused."""
    try:
        data = _serializer(purpose).loads(
            token, max_age=int(_max_age(purpose).total_seconds())
        )
    except SignatureExpired as error:
        raise AccountError("This link has expired") from error
    except BadSignature as error:
        raise AccountError("This link is not valid") from error
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active:
        raise AccountError("This link is not valid")
    if data.get("fp") != _fingerprint(user):
        raise AccountError("This link has already been used")
    return user


def accept_token(token: str, purpose: str, password: str) -> User:
    """Set the password of the person a link was made for; the link then stops working."""
    user = user_for_token(token, purpose)
    set_password(user, password)
    record(user, f"user.{purpose}_accepted", user)
    return user


# Invitations and resets ----------------------------------------------------------------------


def invite_user(
    *, actor: User | None, email: str, name: str, roles: set[Role], council=None
) -> User:
    """Create an account without a password and email a set-password link."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError(f"{email} already has an account", field="email")
    if roles & COUNCIL_ROLES and council is None:
        raise AccountError("Choose the council this person works for", field="council")
    user = User(
        email=email,
        name=name.strip(),
        council=council if roles & COUNCIL_ROLES else None,
        grants=[RoleGrant(role=role) for role in sorted(roles)],
    )
    db.session.add(user)
    db.session.flush()
    send_invitation(user, actor)
    record(actor, "user.invited", user, {"email": email, "roles": sorted(roles)})
    return user


def grant_role(user: User, role: Role, council=None) -> None:
    """Give an existing person another role (a lead who nominates themselves, say)."""
    if role not in user.roles:
        user.grants.append(RoleGrant(role=role))
    if role in COUNCIL_ROLES and user.council is None:
        user.council = council


def send_invitation(user: User, actor: User | None = None) -> None:
    user.invited_at = utcnow()
    link = absolute_url("auth.set_password", token=make_token(user, "invitation"))
    queue_email(
        to=user.email,
        kind="invitation",
        template="auth/invitation",
        user=user,
        context={"link": link, "inviter": actor, "days": current_app.config["INVITATION_MAX_AGE_DAYS"]},
    )


def resend_invitation(user: User, *, actor: User) -> None:
    """Send a new set-password link; the one sent before stops working."""
    if user.has_accepted_invitation:
        raise AccountError(f"{user.name} has already set a password", field="user")
    if not user.active:
        raise AccountError(f"{user.name}'s account is switched off", field="user")
    send_invitation(user, actor)
    record(actor, "user.invitation_resent", user, {"email": user.email})


def accepted_nominees_without_password(per_page: int = 50):
    """One page of (nomination, person): nominees accepted for a place who have not yet set
    a password, the longest waiting first."""
    statement = (
        select(Nomination, User)
        .join(User, User.id == Nomination.participant_id)
        .where(Nomination.status == NominationStatus.ACCEPTED, User.password_hash.is_(None), User.active.is_(True))
        .order_by(User.invited_at, User.name)
    )
    return paginate_rows(statement, per_page=per_page)


def request_password_reset(email: str) -> None:
    """Queue a reset for the scheduler, whether or not the address has an account.

    The same write either way, so neither the answer nor its timing tells who has one.
    """
    db.session.add(PasswordResetRequest(email=normalise_email(email)))


def send_requested_resets() -> dict[str, int]:
    """Email a reset link for each queued request whose address has an active account."""
    asked = db.session.scalars(select(PasswordResetRequest).order_by(PasswordResetRequest.id)).all()
    sent = 0
    for reset in asked:
        user = find_user_by_email(reset.email)
        if user is not None and user.active:
            _queue_reset_email(user)
            sent += 1
        db.session.delete(reset)
    db.session.flush()
    return {"reset requests": len(asked), "reset links": sent}


def _queue_reset_email(user: User) -> None:
    link = absolute_url("auth.reset_password", token=make_token(user, "reset"))
    queue_email(
        to=user.email,
        kind="password_reset",
        template="auth/password_reset",
        user=user,
        context={"link": link, "hours": current_app.config["PASSWORD_RESET_MAX_AGE_HOURS"]},
    )


def people_page(query: str, per_page: int = 25):
    """One page of everyone with an account, by name, matching `query` in name or email."""
    statement = select(User).order_by(User.name)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(db.func.lower(User.name).like(like) | User.email.like(like))
    return db.paginate(statement, per_page=per_page, error_out=False)


def council_choices() -> list[SelectChoice]:
    """The invitation form's council options: none, then every council by name."""
    councils = db.session.execute(select(Council.id, Council.name).order_by(Council.name)).all()
    return [SelectChoice("", "Not linked to a council")] + [SelectChoice(str(i), n) for i, n in councils]
