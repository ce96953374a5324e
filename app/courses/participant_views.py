"""Reading courses: participants' overview and lessons, and the course images every reader sees."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
# A module, not names: assessments import course models, so this import runs while they load.
from app.assessments import services as assessment_services
from app.auth.models import STAFF, Role
from app.courses import bp, services
from app.courses.lesson_outline import completed_in, lesson_outline
from app.courses.models import CourseVersion
from app.courses.reading import Reading
from app.extensions import db
from app.forms import ConfirmForm



def render_overview(reading: Reading, completed: dict | None = None, dates: dict | None = None,
                    statuses: dict | None = None, unopened: dict | None = None):
    """A version's modules in order; with progress when `completed` is a reader's, dates when
    known, where the reader stands on each assessment when they can take them, and when each
    module not open yet opens."""
    modules = services.outline(reading.version)
    return render_template(
        "courses/overview.html",
        reading=reading,
        version=reading.version,
        modules=modules,
        completed=completed or {},
        progress=services.progress(modules, completed) if completed is not None else None,
        dates=dates or {},
        statuses=statuses or {},
        unopened=unopened or {},
    )


def _version_read(course_slug: str) -> CourseVersion:
    version = services.course_version_named(current_user, course_slug)
    if version is None:
        abort(404)
    return version


@bp.get("/learning/")
@access.roles(Role.PARTICIPANT)
def learning():
    """The courses a participant is reading, with their progress in each."""
    return render_template("courses/learning.html", reading=services.reading_list(current_user))


@bp.get("/learning/<course_slug>")
@access.roles(Role.PARTICIPANT)
def learning_overview(course_slug):
    """A course's modules in order, with the participant's progress."""
    version = _version_read(course_slug)
    dates = services.module_dates_for(current_user, version)
    # Module dates come only from a cohort: without them there is no place to take assessments in.
    enrolment = assessment_services.enrolment_for(current_user, version.id) if dates else None
    statuses = assessment_services.statuses_for([enrolment]) if enrolment else {}
    return render_overview(
        Reading(version, preview=False),
        completed=services.completions(current_user, version),
        dates=dates,
        statuses={assessment_id: status for (_, assessment_id), status in statuses.items()},
        unopened=services.unopened(dates, assessment_services.local_today()),
    )


def _lesson_place(course_slug: str, module_slug: str, lesson_slug: str):
    """The version, its outline, the lesson's place in it, whether the reader has a cohort
    to take assessments in, and the day the lesson's module opens if that is still to come."""
    version = _version_read(course_slug)
    modules = lesson_outline(version, module_slug, lesson_slug, current_user)
    # Module dates come only from a cohort: without one there is no place to take assessments in.
    placed = any(module.opens_on is not None for module in modules)
    place = services.find_lesson(modules, module_slug, lesson_slug, with_assessments=placed)
    if place is None:
        abort(404)
    opens_on = place.module.opens_on
    if opens_on is not None and opens_on <= assessment_services.local_today():
        opens_on = None  # open already
    return version, modules, place, placed, opens_on


@bp.get("/learning/<course_slug>/<module_slug>/<lesson_slug>")
@access.roles(Role.PARTICIPANT)
def learning_lesson(course_slug, module_slug, lesson_slug):
    """A lesson to read, with previous and next, and a button to mark it complete and go on;
    before its module opens, the day it opens instead."""
    version, modules, place, placed, opens_on = _lesson_place(course_slug, module_slug, lesson_slug)
    completed = completed_in(modules)
    return render_template(
        "courses/lesson.html",
        reading=Reading(version, preview=False),
        version=version,
        place=place,
        opens_on=opens_on,
        assessments_open=placed,
        completed=completed,
        progress=services.progress(modules, completed),
    )


@bp.post("/learning/<course_slug>/<module_slug>/<lesson_slug>/complete")
@access.roles(Role.PARTICIPANT)
def learning_complete(course_slug, module_slug, lesson_slug):
    """Mark a lesson as complete and go on to the next step of the course (a POST, so no
    link or prefetch can do it)."""
    version, _, place, _, opens_on = _lesson_place(course_slug, module_slug, lesson_slug)
    here = url_for("courses.learning_lesson", course_slug=course_slug, module_slug=module_slug, lesson_slug=lesson_slug)
    if opens_on is not None or not ConfirmForm().validate_on_submit():
        return redirect(here)
    if services.complete_lesson(current_user, place.lesson):
        db.session.commit()
    flash(f"You have completed “{place.lesson.title}”")
    reading = Reading(version, preview=False)
    return redirect(reading.step_url(place.next) if place.next else reading.overview_url())


@bp.get("/course-files/<id:version_id>/<path:path>")
@access.roles(*STAFF, Role.PARTICIPANT)
def course_file(version_id, path):
    """An image from a course version, to staff or to a participant reading that version."""
    version = db.get_or_404(CourseVersion, version_id)
    if (
        not current_user.has_role(*STAFF)
        and services.course_version_for(current_user, version.course) != version
    ):
        abort(404)
    file = services.find_file(version.id, path)
    if file is None:
        abort(404)
    response = make_response(file.content)
    response.headers["Content-Type"] = file.media_type
    response.headers["Content-Disposition"] = "inline"
    # A version's files never change once imported, but they are not public.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.set_etag(file.sha256)
    return response.make_conditional(request)
