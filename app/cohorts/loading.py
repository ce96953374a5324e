"""Loading for the cohort views: a cohort or session (404 unless this person may run it),
and the choices their forms offer."""

from functools import cache

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from wtforms import SelectChoice

from app.auth.models import Role, RoleGrant, User
from app.cohorts.models import Cohort, Enrolment, LiveSession, cohort_facilitator
from app.cohorts.services import may_run
from app.extensions import db
from app.intakes.models import Intake, Nomination


@cache
def _cohort_select() -> Select:
    """Cohort `id`, with what it always loads joined in, and whether person `user_id`
    facilitates it: made once, since every cohort page asks and making the statement costs
    more than running it."""
    facilitates = select(cohort_facilitator.c.user_id).where(
        cohort_facilitator.c.cohort_id == Cohort.id, cohort_facilitator.c.user_id == bindparam("user_id")).exists()
    return select(Cohort, facilitates).where(Cohort.id == bindparam("id"))


def load_cohort(cohort_id: int) -> Cohort:
    found = db.session.execute(_cohort_select(), {"id": cohort_id, "user_id": current_user.id}).unique().one_or_none()
    if found is None or not may_run(current_user, found[0], facilitates=found[1]):
        abort(404)
    return found[0]


def load_session(session_id: int) -> LiveSession:
    session = db.get_or_404(LiveSession, session_id)
    if not may_run(current_user, session.cohort):
        abort(404)
    return session


def intake_choices() -> list[SelectChoice]:
    intakes = db.session.scalars(select(Intake).order_by(Intake.opens_at.desc())).all()
    return [SelectChoice("", "Choose an intake")] + [SelectChoice(str(i.id), i.name) for i in intakes]


def facilitator_choices() -> list[SelectChoice]:
    facilitators = db.session.scalars(
        select(User).join(RoleGrant).where(RoleGrant.role == Role.FACILITATOR).order_by(User.name)
    ).all()
    return [SelectChoice(str(u.id), u.name) for u in facilitators]


def chosen_users(ids: list[str]) -> list[User]:
    return db.session.scalars(select(User).where(User.id.in_([int(value) for value in ids]))).all()


def nominee_choices(nominations: list[Nomination]) -> list[SelectChoice]:
    return [SelectChoice(str(n.id), f"{n.nominee_name}, {n.job_title}, {n.council.name}") for n in nominations]


def chosen_nominations(ids: list[str]) -> list[Nomination]:
    return db.session.scalars(select(Nomination).where(Nomination.id.in_([int(value) for value in ids]))).all()


def transfer_choices(enrolment: Enrolment) -> list[SelectChoice]:
    """The other cohorts on the same course version: where a participant may move."""
    others = db.session.scalars(
        select(Cohort).where(Cohort.id != enrolment.cohort_id,
                             Cohort.course_version_id == enrolment.cohort.course_version_id)
        .order_by(Cohort.start_on)
    ).all()
    return [SelectChoice("", "Choose a cohort")] + [SelectChoice(str(c.id), c.name) for c in others]


def module_choices(cohort: Cohort) -> list[SelectChoice]:
    return [SelectChoice("", "Not about one module")] + [
        SelectChoice(str(entry.module_id), entry.module.title) for entry in cohort.schedule
    ]
