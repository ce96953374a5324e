"""Command-line commands: `flask users`, `flask councils`, `flask courses`, `flask demo`, `flask mail`, `flask scheduler`, `flask reports`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth.models import Role, RoleGrant, User
from app.auth.services import AccountError, find_user_by_email, normalise_email, send_requested_resets, set_password
from app.councils.cli import councils
from app.courses.cli import courses
from app.demo import DEMO_PASSWORD, load
from app.extensions import db
from app.mail.delivery import deliver_pending
from app.reminders.scheduler import run_forever
from app.reminders.services import plan_reminders
from app.reports.snapshots import count_all
from app.timeutil import utcnow

users = AppGroup("users", help="Manage accounts.")
demo = AppGroup("demo", help="Demonstration data.")
mail = AppGroup("mail", help="The email outbox.")
scheduler = AppGroup("scheduler", help="Scheduled jobs.")
reports = AppGroup("reports", help="The programme team's reports.")


@users.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create a programme admin who can sign in at once."""
    if find_user_by_email(email):
        raise click.ClickException(f"{email} already has an account")
    user = User(email=normalise_email(email), name=name, grants=[RoleGrant(role=Role.ADMIN)])
    try:
        set_password(user, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created admin {user.email}")


@demo.command("load")
def load_demo() -> None:
    """Load demonstration data (safe to run again) and print the demo logins."""
    logins = load()
    db.session.commit()
    click.echo("\nDemo logins (password for all: %s)" % DEMO_PASSWORD)
    for role, email in logins:
        click.echo(f"  {role:<16} {email}")


@mail.command("plan")
def plan() -> None:
    """Plan every reminder now due into the outbox."""
    counts = plan_reminders(utcnow())
    db.session.commit()
    click.echo(", ".join(f"{count} {kind}" for kind, count in counts.items()) or "nothing due")


@mail.command("deliver")
def deliver() -> None:
    """Queue the reset links asked for, then send what is due in the outbox now."""
    counts = send_requested_resets()
    db.session.commit()
    counts |= deliver_pending()
    click.echo(", ".join(f"{count} {outcome}" for outcome, count in counts.items()))


@reports.command("count")
def count_reports() -> None:
    """Count every report page's figures now, as the scheduler does every few minutes."""
    counts = count_all(utcnow())
    db.session.commit()
    click.echo(", ".join(f"{count} {what}" for what, count in counts.items()))


@scheduler.command("run")
def run_scheduler() -> None:
    """Run the scheduled jobs in the foreground; extra processes wait as stand-bys."""
    run_forever(current_app._get_current_object())


def register(app: Flask) -> None:
    for group in (users, councils, courses, demo, mail, scheduler, reports):
        app.cli.add_command(group)
