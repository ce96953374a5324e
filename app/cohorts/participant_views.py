"""What participants see of their cohort: timetable and attendance; everyone's calendar feed."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import access
from app.auth.models import Role
from app.cohorts import attendance, bp, sessions
from app.cohorts.calendar import cohorts_of, feed_ics, feed_url, reset_feed, user_for_feed
from app.cohorts.services import current_enrolment
from app.extensions import db
from app.forms import ConfirmForm
from app.timeutil import utcnow


@bp.get("/my/timetable")
@access.signed_in
def timetable():
    """My timetable: every session and module date of the cohorts I take or run."""
    cohorts = cohorts_of(current_user)
    every_session = sessions.sessions_of_cohorts(cohorts)
    link = feed_url(current_user)
    db.session.commit()  # the feed's secret is made on first visit
    return render_template("cohorts/timetable.html", cohorts=cohorts, sessions=every_session, now=utcnow(),
                           feed_url=link, form=ConfirmForm())


@bp.get("/timetable")
@access.signed_in
def timetable_redirect():
    """A stable link for emails: the reader's own timetable."""
    return redirect(url_for("cohorts.timetable"))


@bp.get("/my/attendance")
@access.roles(Role.PARTICIPANT)
def my_attendance():
    """My attendance: each session of my cohort and my mark."""
    enrolment = current_enrolment(current_user)
    if enrolment is None:
        return render_template("cohorts/my_attendance.html", enrolment=None)
    figure = attendance.figures_for([enrolment.id])[enrolment.id]
    return render_template(
        "cohorts/my_attendance.html", enrolment=enrolment, sessions=attendance.sessions_counted_for(enrolment),
        marks=attendance.marks_of(enrolment), figure=figure,
        threshold=enrolment.cohort.course_version.attendance_threshold, now=utcnow(),
    )


@bp.post("/account/calendar/reset")
@access.signed_in
def reset_calendar():
    """A new secret address for my calendar feed; the old one stops working."""
    if ConfirmForm().validate_on_submit():
        reset_feed(current_user)
        db.session.commit()
        flash("Your calendar feed has a new address. Subscribe to it again in your calendar.")
    return redirect(url_for("cohorts.timetable"))


@bp.get("/calendar/<token>.ics")
@access.public
def calendar_feed(token):
    """A person's private calendar feed, for calendar apps to subscribe to."""
    user = user_for_feed(token)
    if user is None or not user.active:
        abort(404)
    return Response(feed_ics(user), mimetype="text/calendar")
