"""Participants taking quizzes and writing assignments; everyone's submitted files."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from app import access
from app.assessments import assignments, bp, quizzes
from app.assessments.forms import AssignmentForm, question_field_name, quiz_form
from app.assessments.loading import load_assessment, load_attempt, load_submission_file
from app.assessments.services import (
    AssessmentError,
    due_on,
    local_today,
    module_opens_on,
    statuses_for,
)
from app.assessments.uploads import MAX_BYTES, TOO_BIG
from app.auth.models import Role
from app.courses.models import AssessmentKind
from app.courses.reading import Reading
from app.errors import show_error
from app.extensions import db
from app.forms import ConfirmForm
from app.storage import storage


def _status(enrolment, assessment):
    return statuses_for([enrolment])[(enrolment.id, assessment.id)]


def _render_quiz(quiz, enrolment, problem: str | None = None):
    attempts = quizzes.attempts_of(current_user.id, quiz)
    return render_template(
        "assessments/quiz.html", quiz=quiz, enrolment=enrolment, attempts=attempts,
        attempts_left=quizzes.attempts_left(attempts, quiz), status=_status(enrolment, quiz),
        closed=quizzes.closed_reason(enrolment, quiz, local_today()), problem=problem,
        opens_on=module_opens_on(enrolment.cohort, quiz.module_id),
        reading=Reading(quiz.module.version, preview=False), start_form=ConfirmForm(),
    )


@bp.get("/quizzes/<id:quiz_id>")
@access.roles(Role.PARTICIPANT)
def quiz(quiz_id):
    """A quiz: its pass mark, my attempts so far, and the button to start one."""
    return _render_quiz(*load_assessment(quiz_id, AssessmentKind.QUIZ))


@bp.post("/quizzes/<id:quiz_id>/start")
@access.roles(Role.PARTICIPANT)
def start_quiz(quiz_id):
    """Start an attempt (or carry on with the one in progress)."""
    quiz_, enrolment = load_assessment(quiz_id, AssessmentKind.QUIZ)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("assessments.quiz", quiz_id=quiz_id))
    try:
        attempt = quizzes.start_attempt(quiz_, enrolment)
    except AssessmentError as error:
        db.session.rollback()
        return _render_quiz(quiz_, enrolment, problem=str(error))
    db.session.commit()
    return redirect(url_for("assessments.attempt", attempt_id=attempt.id))


@bp.route("/quiz-attempts/<id:attempt_id>", methods=["GET", "POST"])
@access.roles(Role.PARTICIPANT)
def attempt(attempt_id):
    """The questions of an attempt, options in its own order; submitting scores it."""
    attempt_, enrolment = load_attempt(attempt_id)
    if attempt_.is_submitted:
        return redirect(url_for("assessments.result", attempt_id=attempt_id))
    quiz_ = attempt_.assessment
    form = quiz_form(quiz_, attempt_.option_order)
    problem = None
    if form.validate_on_submit():
        answers = {}
        for question in quiz_.questions:
            data = form[question_field_name(question)].data
            answers[question["id"]] = data if isinstance(data, list) else [data]
        try:
            quizzes.submit_attempt(attempt_, enrolment, answers)
        except AssessmentError as error:
            db.session.rollback()
            if error.field in form:
                show_error(form, error)
            else:
                problem = str(error)
        else:
            db.session.commit()
            return redirect(url_for("assessments.result", attempt_id=attempt_id))
    return render_template("assessments/attempt.html", attempt=attempt_, quiz=quiz_, form=form, problem=problem,
                           question_field_name=question_field_name)


@bp.get("/quiz-attempts/<id:attempt_id>/result")
@access.roles(Role.PARTICIPANT)
def result(attempt_id):
    """An attempt's score, pass or fail, and each question with its explanation."""
    attempt_, enrolment = load_attempt(attempt_id)
    if not attempt_.is_submitted:
        return redirect(url_for("assessments.attempt", attempt_id=attempt_id))
    quiz_ = attempt_.assessment
    attempts = quizzes.attempts_of(current_user.id, quiz_)
    return render_template(
        "assessments/result.html", attempt=attempt_, quiz=quiz_, score=quizzes.result_of(attempt_),
        status=_status(enrolment, quiz_), attempts_left=quizzes.attempts_left(attempts, quiz_),
        closed=quizzes.closed_reason(enrolment, quiz_, local_today()), start_form=ConfirmForm(),
    )


def _upload(file_storage) -> assignments.Upload | None:
    """The file sent with the form, if one was chosen; read no further than the size limit."""
    if file_storage is None:
        return None
    data = file_storage.read(MAX_BYTES + 1)
    if not file_storage.filename and not data:
        return None  # no file chosen
    return assignments.Upload(file_storage.filename or "", data)


@bp.route("/assignments/<id:assignment_id>", methods=["GET", "POST"])
@access.roles(Role.PARTICIPANT)
def assignment(assignment_id):
    """An assignment's brief, my work and its feedback, and the form to save or submit it."""
    assignment_, enrolment = load_assessment(assignment_id, AssessmentKind.ASSIGNMENT)
    form = AssignmentForm()
    if form.validate_on_submit():
        try:
            assignments.save(assignment_, enrolment, text=form.text.data, upload=_upload(form.file.data),
                             submit=bool(form.send.data))
        except AssessmentError as error:
            db.session.rollback()
            show_error(form, error, default="text")
        else:
            db.session.commit()
            flash("You have submitted your assignment for marking" if form.send.data else "Your draft has been saved")
            return redirect(url_for("assessments.assignment", assignment_id=assignment_id))
    return _render_assignment(assignment_, enrolment, form, start_text=request.method == "GET")


def _render_assignment(assignment_, enrolment, form, *, start_text: bool):
    """The assignment page; start_text fills the answer box from the draft (or the referred answer)."""
    submissions = assignments.submissions_of(current_user.id, assignment_)
    if start_text:
        form.text.data = assignments.text_to_start_from(submissions)
    return render_template(
        "assessments/assignment.html", assignment=assignment_, enrolment=enrolment, form=form,
        submissions=submissions, draft=assignments.draft_of(submissions), status=_status(enrolment, assignment_),
        locked=assignments.locked_reason(enrolment, assignment_, submissions, local_today()),
        due_on=due_on(enrolment.cohort, assignment_), today=local_today(),
        reading=Reading(assignment_.module.version, preview=False), remove_form=ConfirmForm(formdata=None),
        max_bytes=MAX_BYTES, too_big=TOO_BIG,
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A request past MAX_CONTENT_LENGTH: on the assignment page, the page again with the error
    beside the file (the request is never read, so only the saved draft's text can be shown)."""
    plain_page = render_template("errors/413.html", error=error), 413
    if request.endpoint != "assessments.assignment" or not access.declared_access(request.endpoint).allows(current_user):
        return plain_page  # access is checked after CSRF, which is what read the request
    try:
        assignment_, enrolment = load_assessment(request.view_args["assignment_id"], AssessmentKind.ASSIGNMENT)
    except NotFound:
        return plain_page
    form = AssignmentForm(formdata=None)
    form.file.errors = [TOO_BIG]
    return _render_assignment(assignment_, enrolment, form, start_text=True), 413


@bp.post("/assignments/<id:assignment_id>/file/remove")
@access.roles(Role.PARTICIPANT)
def remove_file(assignment_id):
    """Take the file off my draft."""
    assignment_, enrolment = load_assessment(assignment_id, AssessmentKind.ASSIGNMENT)
    if ConfirmForm().validate_on_submit():
        try:
            assignments.remove_file(assignment_, enrolment)
        except AssessmentError as error:
            db.session.rollback()
            flash(str(error))
        else:
            db.session.commit()
            flash("The file has been removed from your draft")
    return redirect(url_for("assessments.assignment", assignment_id=assignment_id))


@bp.get("/submissions/<id:submission_id>/file")
@access.roles(Role.ADMIN, Role.FACILITATOR, Role.PARTICIPANT)
def submission_file(submission_id):
    """A submitted file, as a download: to its author, their cohort's facilitators and the programme team."""
    submission = load_submission_file(submission_id)
    response = send_file(storage().open(submission.file_key), mimetype=submission.file_type, as_attachment=True,
                         download_name=submission.file_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
