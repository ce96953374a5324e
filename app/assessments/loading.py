"""Load an assessment, attempt or submission for the signed-in person, or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.assessments.marking import may_mark, may_see
from app.assessments.models import QuizAttempt, Submission
from app.assessments.services import enrolment_for
from app.cohorts.models import Enrolment
from app.courses.models import Assessment, AssessmentKind
from app.extensions import db
from app.storage import storage


def load_assessment(assessment_id: int, kind: AssessmentKind) -> tuple[Assessment, Enrolment]:
    """The assessment and the participant's place on its course version; 404 without one."""
    assessment = db.get_or_404(Assessment, assessment_id)
    enrolment = enrolment_for(current_user, assessment.module.version_id) if assessment.kind is kind else None
    if enrolment is None:
        abort(404)
    return assessment, enrolment


def load_attempt(attempt_id: int) -> tuple[QuizAttempt, Enrolment]:
    """The participant's own quiz attempt and their place on its course version; 404 otherwise."""
    attempt = db.get_or_404(QuizAttempt, attempt_id)
    enrolment = enrolment_for(current_user, attempt.assessment.module.version_id)
    if attempt.user_id != current_user.id or enrolment is None:
        abort(404)
    return attempt, enrolment


def load_for_marking(submission_id: int) -> Submission:
    """A submission the signed-in facilitator may mark; 404 otherwise."""
    submission = db.get_or_404(Submission, submission_id)
    if not may_mark(current_user, submission):
        abort(404)
    return submission


def load_submission_file(submission_id: int) -> Submission:
    """A submission with a stored file the signed-in person may see; 404 otherwise."""
    submission = db.get_or_404(Submission, submission_id)
    if submission.file_key is None or not may_see(current_user, submission) or not storage().exists(submission.file_key):
        abort(404)
    return submission
