"""Loading a cohort or session for a view: 404 unless this person may run it."""

from flask import abort
from flask_login import current_user

from app.cohorts.models import Cohort, LiveSession
from app.cohorts.services import may_run
from app.extensions import db


def load_cohort(cohort_id: int) -> Cohort:
    cohort = db.get_or_404(Cohort, cohort_id)
    if not may_run(current_user, cohort):
        abort(404)
    return cohort


def load_session(session_id: int) -> LiveSession:
    session = db.get_or_404(LiveSession, session_id)
    if not may_run(current_user, session.cohort):
        abort(404)
    return session
