"""Assignments: drafts, one file or typed text or both, submitting, resubmitting after a referral.

Files are stored under generated keys; the person's own name for the file is kept only to
download it by. Everything is checked before anything is written, so a refused upload
leaves nothing behind; and files follow the transaction (see app.storage), so a failed
write neither loses the old file nor keeps the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.assessments.models import Submission, SubmissionStatus
from app.assessments.services import AssessmentError, due_on, local_today, module_opens_on
from app.assessments.uploads import CheckedFile, UploadError, check_upload
from app.cohorts.models import Enrolment
from app.courses.models import Assessment
from app.extensions import db
from app.storage import delete_after_commit, save_in_transaction
from app.timeutil import format_date, utcnow

MAX_TEXT = 50_000


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the browser sent, and its bytes."""

    filename: str
    data: bytes


def submissions_of(user_id: int, assignment: Assessment, *, lock: bool = False) -> list[Submission]:
    """Someone's submissions to one assignment, first to latest."""
    statement = (
        select(Submission)
        .where(Submission.user_id == user_id, Submission.assessment_id == assignment.id)
        .order_by(Submission.number)
    )
    if lock:  # on PostgreSQL, two saves of one draft at once take turns
        statement = statement.with_for_update(of=Submission)
    return list(db.session.scalars(statement))


def draft_of(submissions: list[Submission]) -> Submission | None:
    latest = submissions[-1] if submissions else None
    return latest if latest is not None and latest.status is SubmissionStatus.DRAFT else None


def locked_reason(enrolment: Enrolment, assignment: Assessment, submissions: list[Submission], today: date) -> str | None:
    """Why the participant cannot change their answer now, or None if they can."""
    opens_on = module_opens_on(enrolment.cohort, assignment.module_id)
    if today < opens_on:
        return f"You can start this assignment on {format_date(opens_on)}, when its module opens"
    latest = submissions[-1] if submissions else None
    if latest is None:
        return None
    if latest.status is SubmissionStatus.PASSED:
        return "Your assignment has passed, so there is nothing more to submit"
    if latest.status is SubmissionStatus.SUBMITTED:
        return f"You submitted this on {format_date(latest.submitted_at)}. It is waiting for marking, so it cannot be changed"
    return None


def _checked(upload: Upload | None) -> CheckedFile | None:
    if upload is None:
        return None
    try:
        return check_upload(upload.filename, upload.data)
    except UploadError as error:
        raise AssessmentError(str(error), field="file") from None


def _draft(enrolment: Enrolment, assignment: Assessment, submissions: list[Submission], now: datetime) -> Submission:
    """The draft to write to: the one being written, or a new one after the latest."""
    draft = draft_of(submissions)
    if draft is not None:
        return draft
    number = submissions[-1].number + 1 if submissions else 1
    draft = Submission(user_id=enrolment.user_id, assessment_id=assignment.id, number=number,
                       status=SubmissionStatus.DRAFT, version=1, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError:  # the same draft begun by another request at this moment
        draft = draft_of(submissions_of(enrolment.user_id, assignment))
        if draft is None:
            raise AssessmentError("Your assignment changed while you were writing. Check it and try again",
                                  field="text") from None
    return draft


def save(
    assignment: Assessment, enrolment: Enrolment, *, text: str | None, upload: Upload | None,
    submit: bool, now: datetime | None = None,
) -> Submission:
    """Save the participant's answer as a draft, or submit it for marking.

    A new file replaces the draft's file. Submitted after the due date, it is accepted and
    marked late.
    """
    now = now or utcnow()
    today = local_today(now)
    submissions = submissions_of(enrolment.user_id, assignment, lock=True)
    reason = locked_reason(enrolment, assignment, submissions, today)
    if reason:
        raise AssessmentError(reason, field="text")
    text = (text or "").strip() or None
    if text is not None and len(text) > MAX_TEXT:
        raise AssessmentError(f"Your answer must be {MAX_TEXT:,} characters or fewer", field="text")
    checked = _checked(upload)
    existing = draft_of(submissions)
    has_file = checked is not None or (existing is not None and existing.file_key is not None)
    if text is None and not has_file and (submit or existing is None):
        raise AssessmentError("Enter your answer or upload a file", field="text")

    draft = _draft(enrolment, assignment, submissions, now)
    draft.text = text
    if checked is not None:
        if draft.file_key:
            delete_after_commit(draft.file_key)
        draft.file_key = save_in_transaction("submissions", checked.type.suffix, checked.data)
        draft.file_name, draft.file_type, draft.file_size = checked.name, checked.type.media_type, len(checked.data)
    draft.updated_at = now
    draft.version += 1
    if submit:
        draft.status = SubmissionStatus.SUBMITTED
        draft.submitted_at = now
        draft.due_on = due_on(enrolment.cohort, assignment)
        draft.late = today > draft.due_on
    db.session.flush()
    return draft


def remove_file(assignment: Assessment, enrolment: Enrolment, *, now: datetime | None = None) -> None:
    """Take the file off the participant's draft."""
    now = now or utcnow()
    draft = draft_of(submissions_of(enrolment.user_id, assignment, lock=True))
    if draft is None or draft.file_key is None:
        raise AssessmentError("There is no file on your draft to remove", field="file")
    delete_after_commit(draft.file_key)
    draft.file_key = draft.file_name = draft.file_type = draft.file_size = None
    draft.updated_at = now
    draft.version += 1
    db.session.flush()


def text_to_start_from(submissions: list[Submission]) -> str | None:
    """What the answer box holds: the draft's text, or after a referral the referred answer's."""
    draft = draft_of(submissions)
    if draft is not None:
        return draft.text
    if submissions and submissions[-1].status is SubmissionStatus.REFERRED:
        return submissions[-1].text
    return None
