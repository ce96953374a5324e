"""Live sessions, their registers and the attendance matrix, for facilitators."""


from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.cohorts import attendance, sessions
from app.cohorts import bp
from app.cohorts.calendar import session_ics
from app.cohorts.forms import CancelSessionForm, SessionForm, register_form
from app.cohorts.models import Enrolment, EnrolmentStatus, LiveSession
from app.cohorts.services import CohortError, may_run
from app.cohorts.loading import load_cohort, load_session
from app.courses.models import Module
from app.extensions import db
from app.forms import local_moment
from app.timeutil import to_local, utcnow


def _module_choices(form: SessionForm, cohort) -> None:
    form.module.choices = [("", "Not about one module")] + [
        (str(entry.module_id), entry.module.title) for entry in cohort.schedule
    ]


#: Where a service's complaint about a session goes on the form.
SESSION_FIELDS = {"starts_at": "starts", "ends_at": "ends"}


def _session_values(form: SessionForm) -> dict | None:
    """The form as the session service takes it; None if a time does not exist that day."""
    starts_at, ends_at = local_moment(form.day, form.starts), local_moment(form.day, form.ends)
    if starts_at is None or ends_at is None:
        return None
    return {
        "title": form.title.data,
        "module": db.session.get(Module, int(form.module.data)) if form.module.data else None,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": form.location.data,
        "join_url": form.join_url.data,
    }


def _save_session(form: SessionForm, save) -> bool:
    """Validate the form and call `save(**values)`; False, with errors on the form, if refused."""
    if not form.validate_on_submit() or (values := _session_values(form)) is None:
        return False
    try:
        save(**values)
    except CohortError as error:
        form[SESSION_FIELDS.get(error.field, error.field)].errors.append(str(error))
        return False
    return True


@bp.route("/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def new_session(cohort_id):
    """Add a live session to the cohort's timetable."""
    cohort = load_cohort(cohort_id)
    form = SessionForm()
    _module_choices(form, cohort)
    if _save_session(form, lambda **values: sessions.create_session(cohort, actor=current_user, **values)):
        db.session.commit()
        flash(f"“{form.title.data}” added to the timetable")
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/session_form.html", form=form, cohort=cohort, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def edit_session(session_id):
    """Change a session; a new time or place is emailed to everyone in the cohort."""
    session = load_session(session_id)
    form = SessionForm()
    _module_choices(form, session.cohort)
    if request.method == "GET":
        starts, ends = to_local(session.starts_at), to_local(session.ends_at)
        form.title.data, form.day.data = session.title, starts.date()
        form.module.data = str(session.module_id or "")
        form.starts.data, form.ends.data = f"{starts:%H:%M}", f"{ends:%H:%M}"
        form.location.data, form.join_url.data = session.location, session.join_url
    if _save_session(form, lambda **values: sessions.update_session(session, actor=current_user, **values)):
        db.session.commit()
        flash("Session saved. If its time or place changed, everyone has been told.")
        return redirect(url_for("cohorts.detail", cohort_id=session.cohort_id))
    return render_template("cohorts/session_form.html", form=form, cohort=session.cohort, session=session)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def cancel_session(session_id):
    """Cancel a session and tell everyone."""
    session = load_session(session_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            sessions.cancel_session(session, actor=current_user, reason=form.reason.data)
        except CohortError as error:
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"“{session.title}” is cancelled and everyone has been told")
            return redirect(url_for("cohorts.detail", cohort_id=session.cohort_id))
    return render_template("cohorts/cancel_session.html", form=form, session=session)


@bp.route("/sessions/<int:session_id>/register", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def register(session_id):
    """Take or amend a session's register in one submit."""
    session = load_session(session_id)
    now = utcnow()
    expected = attendance.expected_enrolments(session)
    marks = attendance.marks_for(session)
    preset = "present" if request.args.get("preset") == "present" else None
    form = register_form(expected, marks, preset)
    problem = attendance.register_closed_reason(session, now)
    if problem is None and form.validate_on_submit():
        values = {
            e.id: (form[f"status-{e.id}"].data, form[f"note-{e.id}"].data) for e in expected
        }
        try:
            changed = attendance.record_register(session, actor=current_user, marks=values, now=now)
        except CohortError as error:
            (form[error.field].errors if error.field in form else form.form_errors).append(str(error))
        else:
            db.session.commit()
            flash(f"Register saved for “{session.title}”: {changed} mark(s) recorded or changed")
            return redirect(url_for("cohorts.attendance_matrix", cohort_id=session.cohort_id))
    return render_template(
        "cohorts/register.html", form=form, session=session, expected=expected, marks=marks, problem=problem,
    )


@bp.get("/cohorts/<int:cohort_id>/attendance")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def attendance_matrix(cohort_id):
    """Participants × sessions, with each person's attendance and who is below the threshold."""
    cohort = load_cohort(cohort_id)
    return render_template("cohorts/matrix.html", cohort=cohort, matrix=attendance.attendance_matrix(cohort),
                           now=utcnow())


@bp.get("/sessions/<int:session_id>.ics")
@access.roles(Role.ADMIN, Role.FACILITATOR, Role.PARTICIPANT)
def session_calendar(session_id):
    """One session as a calendar file, for anyone in its cohort."""
    session = db.get_or_404(LiveSession, session_id)
    enrolled = db.session.scalar(
        db.select(Enrolment.id).where(
            Enrolment.cohort_id == session.cohort_id, Enrolment.user_id == current_user.id,
            Enrolment.status.in_([EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED]),
        )
    )
    if enrolled is None and not may_run(current_user, session.cohort):
        abort(404)
    return Response(session_ics(session), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="session-{session.id}.ics"'})
