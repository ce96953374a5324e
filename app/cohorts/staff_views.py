"""The cohort pages of the programme team and facilitators: cohorts, places, module dates,
live sessions, registers and the attendance matrix."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app import access
from app.auth.models import Role
from app.cohorts import attendance, bp, loading, services, sessions
from app.cohorts.calendar import session_ics
from app.cohorts.changes import revision
from app.cohorts.forms import (
    CancelSessionForm, CohortForm, EnrolForm, NewCohortForm, SessionForm, TransferForm, WithdrawForm, register_form,
    schedule_form,
)
from app.cohorts.loading import load_cohort, load_session
from app.cohorts.models import Cohort, Enrolment, LiveSession
from app.cohorts.services import CohortError, may_run
from app.cohorts.sessions import sessions_of
from app.certificates.completion import completions_for
from app.certificates.services import valid_certificates_of
from app.courses.models import Module
from app.errors import show_error
from app import form_tokens
from app.extensions import db
from app.forms import ConfirmForm, local_moment
from app.intakes.models import Intake
from app.kept import FOREVER, kept
from app.timeutil import to_local, utcnow
from app.wording import plural


@bp.get("/cohorts/")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def index():
    """The cohorts this person runs (every cohort, for the programme team)."""
    page = db.paginate(services.cohorts_for(current_user), per_page=25, error_out=False)
    return render_template("cohorts/index.html", page=page)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def create():
    """Create a cohort on the latest version of an intake's course."""
    form = NewCohortForm()
    form.intake.choices, form.facilitators.choices = loading.intake_choices(), loading.facilitator_choices()
    if request.method == "GET" and request.args.get("intake"):
        form.intake.data = request.args["intake"]
    if form.validate_on_submit():
        if (repeat := form_tokens.claim(form)) is not None:
            return repeat
        try:
            cohort = services.create_cohort(
                actor=current_user, intake=db.get_or_404(Intake, int(form.intake.data)),
                name=form.name.data, capacity=form.capacity.data, start_on=form.start_on.data,
                end_on=form.end_on.data, facilitators=loading.chosen_users(form.facilitators.data),
            )
        except CohortError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            location = url_for("cohorts.detail", cohort_id=cohort.id)
            message = f"{cohort.name} created. Enrol its participants next."
            form_tokens.done(form, location, message)
            db.session.commit()
            flash(message)
            return redirect(location)
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/cohorts/<id:cohort_id>/edit", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def edit(cohort_id):
    """Change a cohort's name, places, dates or facilitators."""
    cohort = load_cohort(cohort_id)
    form = CohortForm(obj=cohort)
    form.facilitators.choices = loading.facilitator_choices()
    if request.method == "GET":
        form.facilitators.data = [str(f.id) for f in cohort.facilitators]
    if form.validate_on_submit():
        try:
            services.update_cohort(
                cohort, actor=current_user, name=form.name.data, capacity=form.capacity.data,
                start_on=form.start_on.data, end_on=form.end_on.data, facilitators=loading.chosen_users(form.facilitators.data),
            )
        except CohortError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("Cohort saved")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort)


@bp.get("/cohorts/<id:cohort_id>")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def detail(cohort_id):
    """A cohort at a glance: participants, module dates and timetable."""
    cohort = load_cohort(cohort_id)
    enrolments = services.enrolments_of(cohort, include_left=True)
    certificates = {c.enrolment_id: c for c in valid_certificates_of(cohort)}
    now = utcnow()
    return render_template(
        "cohorts/detail.html", cohort=cohort, enrolments=enrolments, sessions=sessions_of(cohort),
        placed=sum(1 for e in enrolments if e.is_placed), certificates=certificates,
        completions=completions_for([e for e in enrolments if e.is_active]), confirm=ConfirmForm(),
        now=now, to_take=sessions.registers_to_take(now, cohort=cohort),
        registers_taken=sessions.sessions_with_registers(cohort),
        today=to_local(now).date(),
    )


@bp.route("/cohorts/<id:cohort_id>/schedule", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def schedule(cohort_id):
    """Change when each module opens and is due for this cohort."""
    cohort = load_cohort(cohort_id)
    form = schedule_form(cohort.schedule)
    if form.validate_on_submit():
        dates = {
            entry.module_id: (form[f"opens_{entry.module_id}"].data, form[f"due_{entry.module_id}"].data)
            for entry in cohort.schedule
        }
        try:
            services.update_schedule(cohort, actor=current_user, dates=dates)
        except CohortError as error:
            db.session.rollback()  # the dates audited before the refusal go with it
            show_error(form, error)
        else:
            db.session.commit()
            flash("Module dates saved")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/schedule.html", form=form, cohort=cohort)


@bp.post("/cohorts/<id:cohort_id>/open-modules")
@access.roles(Role.ADMIN)
def open_modules(cohort_id):
    """Open every module of the cohort now, ahead of its dates."""
    cohort = load_cohort(cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            opened = services.open_modules_now(cohort, actor=current_user, today=to_local(utcnow()).date())
        except CohortError as error:
            db.session.rollback()
            flash(str(error), "info")
        else:
            db.session.commit()
            flash(f"{opened} module{'' if opened == 1 else 's'} opened today")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))


@bp.route("/cohorts/<id:cohort_id>/enrol", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def enrol(cohort_id):
    """Place accepted nominees of the cohort's intake in it, within its capacity."""
    cohort = load_cohort(cohort_id)
    nominations = services.enrollable_nominations(cohort)
    form = EnrolForm()
    form.participants.choices = loading.nominee_choices(nominations)
    if form.validate_on_submit():
        chosen = loading.chosen_nominations(form.participants.data)
        try:
            services.enrol_nominees(cohort, chosen, actor=current_user)
        except CohortError as error:
            db.session.rollback()
            show_error(form, error, default="participants")
        else:
            db.session.commit()
            flash(f"{len(chosen)} enrolled in {cohort.name}")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template(
        "cohorts/enrol.html", form=form, cohort=cohort, nominations=nominations,
        places_left=cohort.capacity - services.placed_count(cohort),
    )


def _load_enrolment(cohort_id: int, enrolment_id: int) -> Enrolment:
    cohort = load_cohort(cohort_id)
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    if enrolment.cohort_id != cohort.id:
        abort(404)
    return enrolment


@bp.route("/cohorts/<id:cohort_id>/enrolments/<id:enrolment_id>/withdraw", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def withdraw(cohort_id, enrolment_id):
    """Withdraw a participant from the cohort."""
    enrolment = _load_enrolment(cohort_id, enrolment_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(enrolment, actor=current_user, reason=form.reason.data)
        except CohortError as error:
            db.session.rollback()
            show_error(form, error, default="reason")
        else:
            db.session.commit()
            flash(f"{enrolment.user.name} has been withdrawn from {enrolment.cohort.name}")
            return redirect(url_for("cohorts.detail", cohort_id=cohort_id))
    return render_template("cohorts/withdraw.html", form=form, enrolment=enrolment)


@bp.route("/cohorts/<id:cohort_id>/enrolments/<id:enrolment_id>/transfer", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def transfer(cohort_id, enrolment_id):
    """Move a participant to another cohort of the same course version, keeping their history."""
    enrolment = _load_enrolment(cohort_id, enrolment_id)
    form = TransferForm()
    form.cohort.choices = loading.transfer_choices(enrolment)
    if form.validate_on_submit():
        try:
            services.transfer(enrolment, db.get_or_404(Cohort, int(form.cohort.data)), actor=current_user,
                              reason=form.reason.data)
        except CohortError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{enrolment.user.name} has moved to another cohort")
            return redirect(url_for("cohorts.detail", cohort_id=cohort_id))
    return render_template("cohorts/transfer.html", form=form, enrolment=enrolment)


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
        db.session.rollback()
        show_error(form, CohortError(str(error), SESSION_FIELDS.get(error.field, error.field)))
        return False
    return True


@bp.route("/cohorts/<id:cohort_id>/sessions/new", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def new_session(cohort_id):
    """Add a live session to the cohort's timetable."""
    cohort = load_cohort(cohort_id)
    form = SessionForm()
    form.module.choices = loading.module_choices(cohort)
    if form.is_submitted() and (repeat := form_tokens.claim(form)) is not None:
        return repeat
    if _save_session(form, lambda **values: sessions.create_session(cohort, actor=current_user, **values)):
        location = url_for("cohorts.detail", cohort_id=cohort.id)
        message = f"“{form.title.data}” added to the timetable"
        form_tokens.done(form, location, message)
        db.session.commit()
        flash(message)
        return redirect(location)
    return render_template("cohorts/session_form.html", form=form, cohort=cohort, session=None)


@bp.route("/sessions/<id:session_id>/edit", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def edit_session(session_id):
    """Change a session; a new time or place is emailed to everyone in the cohort."""
    session = load_session(session_id)
    form = SessionForm()
    form.module.choices = loading.module_choices(session.cohort)
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


@bp.route("/sessions/<id:session_id>/cancel", methods=["GET", "POST"])
@access.roles(Role.ADMIN, Role.FACILITATOR)
def cancel_session(session_id):
    """Cancel a session and tell everyone."""
    session = load_session(session_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            sessions.cancel_session(session, actor=current_user, reason=form.reason.data)
        except CohortError as error:
            db.session.rollback()
            show_error(form, error, default="reason")
        else:
            db.session.commit()
            flash(f"“{session.title}” is cancelled and everyone has been told")
            return redirect(url_for("cohorts.detail", cohort_id=session.cohort_id))
    return render_template("cohorts/cancel_session.html", form=form, session=session)


@bp.route("/sessions/<id:session_id>/register", methods=["GET", "POST"])
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
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"Register saved for “{session.title}”: {plural(changed, 'mark')} recorded or changed")
            return redirect(url_for("cohorts.attendance_matrix", cohort_id=session.cohort_id))
    return render_template(
        "cohorts/register.html", form=form, session=session, expected=expected, marks=marks, problem=problem,
    )


@bp.get("/cohorts/<id:cohort_id>/attendance")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def attendance_matrix(cohort_id):
    """Participants × sessions, with each person's attendance and who is below the threshold."""
    cohort = load_cohort(cohort_id)
    now = utcnow()
    matrix = kept(("attendance matrix", cohort.id), revision(cohort.id, now), now, lambda: (
        Markup(render_template("cohorts/_matrix.html", matrix=attendance.attendance_matrix(cohort), now=now)), FOREVER))
    return render_template("cohorts/matrix.html", cohort=cohort, matrix=matrix)


@bp.get("/sessions/<id:session_id>.ics")
@access.roles(Role.ADMIN, Role.FACILITATOR, Role.PARTICIPANT)
def session_calendar(session_id):
    """One session as a calendar file, for anyone in its cohort."""
    session = db.get_or_404(LiveSession, session_id)
    if not services.has_place(current_user, session.cohort) and not may_run(current_user, session.cohort):
        abort(404)
    return Response(session_ics(session), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="session-{session.id}.ics"'})
