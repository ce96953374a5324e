"""Facilitators and the programme team: the marking queue, marking, and each cohort's gradebook."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
from app.assessments import bp, marking
from app.assessments.assignments import submissions_of
from app.assessments.forms import mark_form
from app.assessments.gradebook import gradebook as make_gradebook
from app.assessments.loading import load_for_marking
from app.assessments.models import SubmissionStatus
from app.assessments.services import AssessmentError
from app.auth.models import STAFF
from app.cohorts.loading import load_cohort
from app.courses.reading import Reading
from app.errors import show_error
from app.params import whole_number
from app.exports import csv_response
from app.extensions import db
from app.paging import paginate_rows

@bp.get("/marking/")
@access.roles(*STAFF)
def queue():
    """Submitted work in the cohorts I run, oldest first, filtered by cohort, assignment and state."""
    filters = marking.QueueFilter.from_args(request.args)
    page = paginate_rows(marking.queue(current_user, filters), per_page=25)
    cohorts, assignments = marking.queue_choices(current_user)
    return render_template("assessments/queue.html", page=page, filters=filters, cohorts=cohorts,
                           assignments=assignments, states=marking.STATES)


@bp.route("/marking/<id:submission_id>", methods=["GET", "POST"])
@access.roles(*STAFF)
def mark(submission_id):
    """A submission with its earlier rounds, and the form to pass or refer it."""
    submission = load_for_marking(submission_id)
    assessment = submission.assessment
    form = mark_form(assessment.criteria)
    conflict = None
    if request.method == "GET":
        form.version.data = str(submission.version)
    elif submission.is_marked:  # marked by someone else since this page was loaded
        conflict = marking.conflict_message(submission, current_user)
    elif form.validate_on_submit():
        judgements = [form[f"criterion-{n}"].data for n in range(1, len(assessment.criteria or []) + 1)]
        try:
            marking.mark(submission, actor=current_user, outcome=form.outcome.data, feedback=form.feedback.data,
                         judgements=judgements, seen_version=whole_number(form.version.data) or 0)
        except marking.MarkingConflict as error:
            db.session.rollback()
            conflict = str(error)
        except AssessmentError as error:
            db.session.rollback()
            show_error(form, error, default="outcome")
        else:
            db.session.commit()
            outcome = "passed" if submission.status is SubmissionStatus.PASSED else "referred"
            flash(f"You {outcome} {submission.user.name}’s submission. They have been told by email.")
            return redirect(url_for("assessments.queue"))
    history = [s for s in submissions_of(submission.user_id, assessment) if s.status is not SubmissionStatus.DRAFT]
    enrolment = marking.author_enrolment(submission)
    return render_template(
        "assessments/mark.html", submission=submission, assessment=assessment, history=history, form=form,
        conflict=conflict, enrolment=enrolment, reading=Reading(assessment.module.version, preview=False),
    ), 409 if conflict else 200


@bp.get("/cohorts/<id:cohort_id>/gradebook")
@access.roles(*STAFF)
def gradebook(cohort_id):
    """Participants × assessments with where each person stands."""
    cohort = load_cohort(cohort_id)
    return render_template("assessments/gradebook.html", cohort=cohort, book=make_gradebook(cohort))


@bp.get("/cohorts/<id:cohort_id>/gradebook.csv")
@access.roles(*STAFF)
def gradebook_csv(cohort_id):
    """The gradebook as a spreadsheet."""
    cohort = load_cohort(cohort_id)
    book = make_gradebook(cohort)
    return csv_response(f"gradebook-cohort-{cohort.id}.csv", book.csv_header(), book.csv_rows())
