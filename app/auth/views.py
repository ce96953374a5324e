"""Accounts for everyone: signing in and out, setting and changing a password."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from werkzeug.urls import iri_to_uri

from app import access
from app.auth import bp
from app.auth import services
from app.auth.forms import ChangePasswordForm, ForgottenPasswordForm, LoginForm, NewPasswordForm
from app.auth.sessions import start_session
from app.extensions import db, limiter
from app.errors import show_error
from app.forms import ConfirmForm


def _submitted_email() -> str:
    return services.normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str:
    """A path on this site, or the home page.

    Checked as Werkzeug will send it: it drops tabs and newlines as browsers do, so
    `/<tab>/evil.example` would reach the browser as `//evil.example`, another host.
    """
    location = iri_to_uri(target or "")
    parts = urlsplit(location)
    if (
        location.startswith("/")
        and not location.startswith("//")
        and location.isprintable()
        and not (parts.scheme or parts.netloc)
    ):
        return location
    return url_for("main.home")


def _sign_in_failed(response) -> bool:
    """A sign-in that did not redirect failed: only failures count towards the limits."""
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@access.public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    scope="login-ip",
    deduct_when=_sign_in_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=_submitted_email,
    methods=["POST"],
    scope="login-address",
    deduct_when=_sign_in_failed,
)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("The email address or password is not right")
    return render_template("auth/login.html", form=form)


@bp.post("/sign-out")
@access.signed_in
def logout():
    """Sign out (a POST, so no link can sign someone out) on every device, so that no copy
    of this browser's session cookie keeps working."""
    if ConfirmForm().validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash("You have signed out. You are signed out on any other device too.")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@access.public
def set_password(token):
    """Accept an invitation by choosing a password, which signs the person in."""
    return _token_password_page(token, "invitation", "auth/set_password.html", sign_in=True)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@access.public
def reset_password(token):
    """Choose a new password from a reset link."""
    return _token_password_page(token, "reset", "auth/reset_password.html")


def _token_password_page(token: str, purpose: str, template: str, sign_in: bool = False):
    try:
        user = services.user_for_token(token, purpose)
    except services.AccountError as error:
        return render_template("auth/link_problem.html", problem=str(error)), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.accept_token(token, purpose, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            show_error(form, error, default="password")
        else:
            db.session.commit()
            logout_user()
            if sign_in:
                start_session(user)
                flash("Your password is set and you are signed in.")
                return redirect(url_for("main.home"))
            flash("Your password is set. Sign in with it now.")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user)


@bp.route("/forgotten-password", methods=["GET", "POST"])
@access.public
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"], scope="reset-ip")
@limiter.limit(
    lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"],
    key_func=_submitted_email,
    methods=["POST"],
    scope="reset-address",
)
def forgotten_password():
    """Ask for a reset link; the answer, and its timing, are the same whether or not the
    address has an account."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@access.signed_in
def change_password():
    """Change your own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            show_error(form, error, default="current_password")
        else:
            db.session.commit()
            start_session(current_user._get_current_object())  # the new version, here only
            flash("Your password has been changed. You have been signed out on every other device.")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
