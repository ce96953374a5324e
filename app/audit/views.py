"""The audit log, for the programme team."""

import json
from datetime import datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import func, select

from app import access
from app.audit import bp
from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.extensions import db
from app.exports import csv_response
from app.timeutil import format_datetime, to_utc



def _parse_day(text: str):
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None


def filtered_events(args) -> tuple[object, dict, dict]:
    """A select of events matching the filters, the filters as understood, and any errors."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    filters = {key: args.get(key, "").strip() for key in ("person", "action", "object", "from", "to")}
    errors = {}
    if filters["person"]:
        like = f"%{filters['person'].lower()}%"
        statement = statement.join(User, User.id == AuditEvent.actor_id).where(
            func.lower(User.name).like(like) | User.email.like(like)
        )
    if filters["action"]:
        statement = statement.where(AuditEvent.action.like(f"{filters['action']}%"))
    if filters["object"]:
        kind, _, number = filters["object"].partition(":")
        statement = statement.where(func.lower(AuditEvent.object_type) == kind.lower())
        if number.isdigit():
            statement = statement.where(AuditEvent.object_id == int(number))
    days = {}
    for key in ("from", "to"):
        if filters[key]:
            days[key] = _parse_day(filters[key])
            if days[key] is None:
                errors[key] = "Enter a date like 2027-03-14"
    if days.get("from"):
        statement = statement.where(AuditEvent.at >= to_utc(datetime.combine(days["from"], time.min)))
    if days.get("to"):
        next_day = datetime.combine(days["to"] + timedelta(days=1), time.min)
        statement = statement.where(AuditEvent.at < to_utc(next_day))
    return statement, filters, errors


@bp.get("/")
@access.roles(Role.ADMIN)
def index():
    """Every decision and change, filtered by person, action, object and date."""
    statement, filters, errors = filtered_events(request.args)
    page = db.paginate(statement, per_page=50, error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return render_template("audit/index.html", page=page, filters=filters, errors=errors, actions=actions)


@bp.get("/audit.csv")
@access.roles(Role.ADMIN)
def export():
    """The filtered audit log as CSV."""
    statement, _, _ = filtered_events(request.args)
    events = db.session.scalars(statement.limit(50_000))
    rows = (
        (format_datetime(e.at), e.actor.name if e.actor else "System", e.actor.email if e.actor else "",
         e.action, e.object_type, e.object_id, json.dumps(e.changes or {}, ensure_ascii=False, default=str))
        for e in events
    )
    return csv_response("audit-log.csv", ["When", "Who", "Email", "Action", "Object", "Object id", "What changed"], rows)
