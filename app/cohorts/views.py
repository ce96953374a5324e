"""Running cohorts: the programme team creates them and places people; facilitators run them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import access
from app.auth.models import Role, RoleGrant, User
from app.cohorts import services
from app.cohorts import bp
from app.cohorts.loading import load_cohort
from app.cohorts.forms import CohortForm, EnrolForm, TransferForm, WithdrawForm, schedule_form
from app.cohorts.models import Cohort, Enrolment
from app.cohorts.services import CohortError
from app.cohorts.sessions import sessions_of
from app.extensions import db
from app.forms import ConfirmForm
from app.intakes.models import Intake, Nomination


def _field_error(form, error: CohortError) -> None:
    field = getattr(form, error.field or "", None) or form._fields.get(error.field or "")
    (field.errors if field is not None else form.form_errors).append(str(error))


def _cohort_choices(form: CohortForm) -> None:
    intakes = db.session.scalars(select(Intake).order_by(Intake.opens_at.desc())).all()
    form.intake.choices = [("", "Choose an intake")] + [(str(i.id), i.name) for i in intakes]
    facilitators = db.session.scalars(
        select(User).join(RoleGrant).where(RoleGrant.role == Role.FACILITATOR).order_by(User.name)
    ).all()
    form.facilitators.choices = [(str(u.id), u.name) for u in facilitators]


def _chosen_facilitators(form: CohortForm) -> list[User]:
    ids = [int(value) for value in form.facilitators.data]
    return db.session.scalars(select(User).where(User.id.in_(ids))).all()


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
    form = CohortForm()
    _cohort_choices(form)
    if request.method == "GET" and request.args.get("intake"):
        form.intake.data = request.args["intake"]
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(
                actor=current_user, intake=db.get_or_404(Intake, int(form.intake.data)),
                name=form.name.data, capacity=form.capacity.data, start_on=form.start_on.data,
                end_on=form.end_on.data, facilitators=_chosen_facilitators(form),
            )
        except CohortError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(f"{cohort.name} created. Enrol its participants next.")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def edit(cohort_id):
    """Change a cohort's name, places, dates or facilitators."""
    cohort = load_cohort(cohort_id)
    form = CohortForm(obj=cohort)
    _cohort_choices(form)
    form.intake.choices = [(str(cohort.intake_id), cohort.intake.name)]
    if request.method == "GET":
        form.intake.data = str(cohort.intake_id)
        form.facilitators.data = [str(f.id) for f in cohort.facilitators]
    if form.validate_on_submit():
        try:
            services.update_cohort(
                cohort, actor=current_user, name=form.name.data, capacity=form.capacity.data,
                start_on=form.start_on.data, end_on=form.end_on.data, facilitators=_chosen_facilitators(form),
            )
        except CohortError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash("Cohort saved")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort)


@bp.get("/cohorts/<int:cohort_id>")
@access.roles(Role.ADMIN, Role.FACILITATOR)
def detail(cohort_id):
    """A cohort at a glance: participants, module dates and timetable."""
    from app.certificates.completion import completions_for
    from app.certificates.models import Certificate

    cohort = load_cohort(cohort_id)
    enrolments = services.enrolments_of(cohort, include_left=True)
    certificates = {
        c.enrolment_id: c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.enrolment_id.in_([e.id for e in enrolments]), Certificate.revoked_at.is_(None),
                Certificate.superseded_at.is_(None),
            )
        )
    }
    return render_template(
        "cohorts/detail.html", cohort=cohort, enrolments=enrolments, sessions=sessions_of(cohort),
        active=services.active_count(cohort), certificates=certificates,
        completions=completions_for([e for e in enrolments if e.is_active]), confirm=ConfirmForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/schedule", methods=["GET", "POST"])
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
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            flash("Module dates saved")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/schedule.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def enrol(cohort_id):
    """Place accepted nominees of the cohort's intake in it, within its capacity."""
    cohort = load_cohort(cohort_id)
    nominations = services.enrollable_nominations(cohort)
    form = EnrolForm()
    form.participants.choices = [
        (str(n.id), f"{n.nominee_name}, {n.job_title}, {n.council.name}") for n in nominations
    ]
    if form.validate_on_submit():
        chosen = db.session.scalars(
            select(Nomination).where(Nomination.id.in_([int(v) for v in form.participants.data]))
        ).all()
        try:
            services.enrol_nominees(cohort, chosen, actor=current_user)
        except CohortError as error:
            db.session.rollback()
            form.participants.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{len(chosen)} enrolled in {cohort.name}")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template(
        "cohorts/enrol.html", form=form, cohort=cohort, nominations=nominations,
        places_left=cohort.capacity - services.active_count(cohort),
    )


def _load_enrolment(cohort_id: int, enrolment_id: int) -> Enrolment:
    cohort = load_cohort(cohort_id)
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    if enrolment.cohort_id != cohort.id:
        abort(404)
    return enrolment


@bp.route("/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/withdraw", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def withdraw(cohort_id, enrolment_id):
    """Withdraw a participant from the cohort."""
    enrolment = _load_enrolment(cohort_id, enrolment_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(enrolment, actor=current_user, reason=form.reason.data)
        except CohortError as error:
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{enrolment.user.name} has been withdrawn from {enrolment.cohort.name}")
            return redirect(url_for("cohorts.detail", cohort_id=cohort_id))
    return render_template("cohorts/withdraw.html", form=form, enrolment=enrolment)


@bp.route("/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/transfer", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def transfer(cohort_id, enrolment_id):
    """Move a participant to another cohort of the same course version, keeping their history."""
    enrolment = _load_enrolment(cohort_id, enrolment_id)
    form = TransferForm()
    others = db.session.scalars(
        select(Cohort).where(Cohort.id != cohort_id, Cohort.course_version_id == enrolment.cohort.course_version_id)
        .order_by(Cohort.start_on)
    ).all()
    form.cohort.choices = [("", "Choose a cohort")] + [(str(c.id), c.name) for c in others]
    if form.validate_on_submit():
        try:
            services.transfer(enrolment, db.get_or_404(Cohort, int(form.cohort.data)), actor=current_user,
                              reason=form.reason.data)
        except CohortError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(f"{enrolment.user.name} has moved to another cohort")
            return redirect(url_for("cohorts.detail", cohort_id=cohort_id))
    return render_template("cohorts/transfer.html", form=form, enrolment=enrolment)
