"""Writing an assignment: drafts, one file, submitting, late work, resubmitting after a referral."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from app.assessments import assignments
from app.assessments.assignments import Upload
from app.assessments.models import Submission, SubmissionStatus
from app.assessments.services import AssessmentError, due_on, statuses_for
from app.extensions import db
from app.storage import storage
from app.timeutil import to_utc
from tests.assessments.conftest import PDF, assignment_of, docx_bytes, enrolment_of
from tests.factories import make_assignment


@pytest.fixture
def assignment(imported):
    return assignment_of(imported)


@pytest.fixture
def enrolment(participant, cohort):
    return enrolment_of(participant, cohort)


def stored_files(app) -> list:
    """Every stored submission file (the storage folder lasts the whole test session)."""
    from pathlib import Path

    folder = Path(app.config["STORAGE_DIR"]) / "submissions"
    return sorted(folder.iterdir()) if folder.exists() else []


def noon(day) -> datetime:
    return to_utc(datetime.combine(day, time(12)))


def test_a_draft_keeps_text_and_a_file_then_submits_on_time(app, assignment, enrolment):
    draft = assignments.save(assignment, enrolment, text="  My plan.  ", upload=Upload("plan.pdf", PDF), submit=False)
    db.session.commit()
    assert (draft.status, draft.text, draft.file_name, draft.file_type) == (
        SubmissionStatus.DRAFT, "My plan.", "plan.pdf", "application/pdf")
    assert storage().read(draft.file_key) == PDF
    assert not draft.file_key.endswith("plan.pdf") and draft.file_key.startswith("submissions/")

    submitted = assignments.save(assignment, enrolment, text="My plan, finished.", upload=None, submit=True)
    db.session.commit()
    assert submitted.id == draft.id
    assert (submitted.status, submitted.late, submitted.file_name) == (SubmissionStatus.SUBMITTED, False, "plan.pdf")
    assert submitted.due_on == enrolment.cohort.start_on + timedelta(days=28)


def test_work_after_the_due_date_is_accepted_and_marked_late(assignment, enrolment):
    due = due_on(enrolment.cohort, assignment)
    submission = assignments.save(assignment, enrolment, text="Sorry it is late", upload=None, submit=True,
                                  now=noon(due + timedelta(days=1)))
    db.session.commit()
    assert submission.late
    status = statuses_for([enrolment])[(enrolment.id, assignment.id)]
    assert status.state == "late"
    assert status.detail.startswith("Submitted late on ")


def test_the_due_date_is_the_assignments_own_day_else_its_modules(imported, cohort):
    own = make_assignment(imported, module_position=2, due_after_days=40)
    module_due = next(e.due_on for e in cohort.schedule if e.module.position == 1)
    assert due_on(cohort, own) == cohort.start_on + timedelta(days=40)
    assert due_on(cohort, make_assignment(imported, module_position=1)) == module_due


def test_submitting_nothing_is_refused(assignment, enrolment):
    with pytest.raises(AssessmentError, match="Enter your answer or upload a file") as refused:
        assignments.save(assignment, enrolment, text="   ", upload=None, submit=True)
    assert refused.value.field == "text"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (Upload("setup.pdf", b"MZ\x90\x00 a program"), "The selected file must be a PDF, DOCX or ODT"),
        (Upload("empty.pdf", b""), "The selected file is empty"),
        (Upload("../evil.pdf", PDF), "The file name must not contain / or \\. Rename the file and select it again"),
    ],
    ids=["renamed-program", "empty", "path"],
)
def test_a_refused_file_stores_nothing(app, assignment, enrolment, upload, message):
    before = stored_files(app)
    with pytest.raises(AssessmentError) as refused:
        assignments.save(assignment, enrolment, text="Kept in the form", upload=upload, submit=False)
    db.session.rollback()
    assert (refused.value.field, str(refused.value)) == ("file", message)
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    assert stored_files(app) == before


def test_a_new_file_replaces_the_drafts_file_and_removing_it_deletes_it(app, assignment, enrolment):
    before = stored_files(app)
    first = assignments.save(assignment, enrolment, text=None, upload=Upload("a.pdf", PDF), submit=False)
    old_key = first.file_key
    assignments.save(assignment, enrolment, text=None, upload=Upload("b.docx", docx_bytes()), submit=False)
    db.session.commit()
    assert not storage().exists(old_key)
    assert first.file_name == "b.docx"
    assignments.remove_file(assignment, enrolment)
    db.session.commit()
    assert first.file_key is None and stored_files(app) == before
    with pytest.raises(AssessmentError, match="no file on your draft"):
        assignments.remove_file(assignment, enrolment)


def test_submitted_work_cannot_change_until_it_is_marked(assignment, enrolment):
    assignments.save(assignment, enrolment, text="Done", upload=None, submit=True)
    db.session.commit()
    with pytest.raises(AssessmentError, match="waiting for marking, so it cannot be changed"):
        assignments.save(assignment, enrolment, text="One more thing", upload=None, submit=False)


def test_a_referred_submission_can_be_resubmitted_and_keeps_its_feedback(assignment, enrolment):
    first = assignments.save(assignment, enrolment, text="First go", upload=Upload("a.pdf", PDF), submit=True)
    first.status, first.feedback = SubmissionStatus.REFERRED, "Say who the users are."
    db.session.commit()
    submissions = assignments.submissions_of(enrolment.user_id, assignment)
    assert assignments.text_to_start_from(submissions) == "First go"
    assert statuses_for([enrolment])[(enrolment.id, assignment.id)].detail == (
        "Referred: resubmit with the changes in your feedback")

    second = assignments.save(assignment, enrolment, text="Second go, with users", upload=None, submit=True)
    db.session.commit()
    assert (second.number, second.file_key) == (2, None)
    assert (first.status, first.text, first.feedback) == (SubmissionStatus.REFERRED, "First go", "Say who the users are.")
    assert statuses_for([enrolment])[(enrolment.id, assignment.id)].detail.startswith("Resubmitted on ")


def test_work_cannot_start_before_the_module_opens(assignment, enrolment, cohort):
    entry = next(e for e in cohort.schedule if e.module_id == assignment.module_id)
    with pytest.raises(AssessmentError, match="when its module opens"):
        assignments.save(assignment, enrolment, text="Early", upload=None, submit=False,
                         now=noon(entry.opens_on - timedelta(days=1)))


@pytest.fixture
def refused_answer():
    """The database refuses to store the answer "refused" (as PostgreSQL refuses a NUL byte)."""
    if db.engine.dialect.name == "postgresql":
        create = ["CREATE FUNCTION refuse_answer() RETURNS trigger AS $$ BEGIN "
                  "IF NEW.text = 'refused' THEN RAISE EXCEPTION 'answer refused'; END IF; RETURN NEW; END $$ "
                  "LANGUAGE plpgsql",
                  "CREATE TRIGGER refuse_answer BEFORE UPDATE ON submission FOR EACH ROW EXECUTE FUNCTION refuse_answer()"]
        drop = ["DROP TRIGGER refuse_answer ON submission", "DROP FUNCTION refuse_answer()"]
    else:
        create = ["CREATE TRIGGER refuse_answer BEFORE UPDATE ON submission WHEN NEW.text = 'refused' "
                  "BEGIN SELECT RAISE(ABORT, 'answer refused'); END"]
        drop = ["DROP TRIGGER refuse_answer"]
    with db.engine.begin() as connection:
        for statement in create:
            connection.exec_driver_sql(statement)
    yield "refused"
    db.session.rollback()  # let go of the table, which dropping the trigger locks
    with db.engine.begin() as connection:
        for statement in drop:
            connection.exec_driver_sql(statement)


def test_a_failed_save_keeps_the_old_file_and_stores_no_new_one(app, assignment, enrolment, refused_answer):
    draft = assignments.save(assignment, enrolment, text="First go", upload=Upload("a.pdf", PDF), submit=False)
    db.session.commit()
    old_key, files = draft.file_key, stored_files(app)

    with pytest.raises(DBAPIError):
        assignments.save(assignment, enrolment, text=refused_answer, upload=Upload("b.docx", docx_bytes()), submit=False)
    db.session.rollback()

    assert db.session.get(Submission, draft.id).file_key == old_key
    assert storage().read(old_key) == PDF
    assert stored_files(app) == files


def test_a_file_removed_from_a_draft_stays_until_the_removal_commits(app, assignment, enrolment):
    draft = assignments.save(assignment, enrolment, text=None, upload=Upload("a.pdf", PDF), submit=False)
    db.session.commit()
    key = draft.file_key
    assignments.remove_file(assignment, enrolment)
    db.session.rollback()
    assert draft.file_key == key and storage().exists(key)
    assignments.remove_file(assignment, enrolment)
    db.session.commit()
    assert not storage().exists(key)
