"""Courses for the programme team and facilitators: the versions imported, the import, previews."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app import access
from app.auth.models import STAFF, Role
from app.courses import bp, importing, services
from app.courses.lesson_outline import lesson_outline
from app.courses.models import CourseVersion
from app.courses.participant_views import render_overview
from app.courses.reading import Reading
from app.extensions import db
from app.forms import ConfirmForm



def _courses_folder() -> Path:
    return Path(current_app.config["COURSES_DIR"])


@bp.get("/courses/")
@access.roles(*STAFF)
def index():
    """Every course and each of its versions, newest first."""
    courses, versions_of = services.courses_with_versions()
    return render_template(
        "courses/index.html",
        courses=courses,
        versions_of=versions_of,
        lesson_counts=services.lesson_counts(),
    )


@bp.route("/courses/import", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def import_courses():
    """Check the repository's courses folder and import what changed, all or nothing."""
    form = ConfirmForm()
    if form.validate_on_submit():
        report = importing.import_courses(_courses_folder(), actor=current_user)
        if report.ok:
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                flash("Another import finished first: the list shows what it imported")
                return redirect(url_for("courses.index"))
            changed = [f"{o.title}: {o.description}" for o in report.changed]
            flash(
                "Imported " + "; ".join(changed) if changed else "Nothing has changed since the last import"
            )
            return redirect(url_for("courses.index"))
        db.session.rollback()
    else:
        report = importing.plan_import(_courses_folder())
    return render_template("courses/import.html", report=report, folder=_courses_folder())


def _preview_version(course_slug: str, number: int) -> CourseVersion:
    version = services.find_version(course_slug, number)
    if version is None:
        abort(404)
    return version


@bp.get("/courses/<course_slug>/versions/<id:number>/")
@access.roles(*STAFF)
def preview(course_slug, number):
    """A version's overview as participants see it, with the modules' day offsets."""
    return render_overview(Reading(_preview_version(course_slug, number), preview=True))


@bp.get("/courses/<course_slug>/versions/<id:number>/<module_slug>/<lesson_slug>")
@access.roles(*STAFF)
def preview_lesson(course_slug, number, module_slug, lesson_slug):
    """A lesson of any version, as participants see it."""
    version = _preview_version(course_slug, number)
    place = services.find_lesson(lesson_outline(version, module_slug, lesson_slug), module_slug, lesson_slug)
    if place is None:
        abort(404)
    return render_template(
        "courses/lesson.html",
        reading=Reading(version, preview=True),
        version=version,
        place=place,
        completed={},
        progress=None,
    )


@bp.get("/courses/<course_slug>/versions/<id:number>/<module_slug>/assessments/<assessment_slug>")
@access.roles(*STAFF)
def preview_assessment(course_slug, number, module_slug, assessment_slug):
    """A quiz with its answers and explanations, or an assignment's brief and criteria."""
    version = _preview_version(course_slug, number)
    module = next((m for m in services.outline(version) if m.slug == module_slug), None)
    assessment = next((a for a in module.assessments if a.slug == assessment_slug), None) if module else None
    if assessment is None:
        abort(404)
    return render_template(
        "courses/assessment.html",
        reading=Reading(version, preview=True),
        version=version,
        module=module,
        assessment=assessment,
    )
