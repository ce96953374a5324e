"""Forms for cohorts, sessions and registers."""

from __future__ import annotations

import re
from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.cohorts.models import AttendanceStatus

TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> time | None:
    """'10am', '2:30pm', '14:30', '9.15' as a time of day; None if it is not one."""
    match = TIME.match(text or "")
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeOfDay:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if parse_time(field.data) is None:
            raise ValidationError(self.message)


def date_field(label: str, missing: str, **kwargs) -> DateField:
    return DateField(
        label,
        format="%d %m %Y",
        validators=[InputRequired(message=missing)],
        widget=GovDateInput(),
        description=kwargs.pop("description", "For example, 27 3 2027"),
        **kwargs,
    )


class CohortForm(FlaskForm):
    intake = SelectField("Intake", widget=GovSelect(), validators=[InputRequired(message="Choose an intake")])
    name = StringField("Cohort name", description="For example, Spring 2027 – cohort A",
                       validators=[InputRequired(message="Enter a name for the cohort"), Length(max=200)],
                       widget=GovTextInput())
    capacity = IntegerField("Places", validators=[InputRequired(message="Enter how many places the cohort has"),
                                                  NumberRange(min=1, max=500, message="Places must be between 1 and 500")],
                            widget=GovTextInput())
    start_on = date_field("Start date", "Enter the start date")
    end_on = date_field("End date", "Enter the end date")
    facilitators = SelectMultipleField("Facilitators", choices=[], widget=GovCheckboxesInput(),
                                       validators=[InputRequired(message="Choose at least one facilitator")])
    submit = SubmitField("Save cohort", widget=GovSubmitInput())


class EnrolForm(FlaskForm):
    participants = SelectMultipleField("Accepted nominees without a place", choices=[], widget=GovCheckboxesInput(),
                                       validators=[InputRequired(message="Choose at least one person to enrol")])
    submit = SubmitField("Enrol", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why are they leaving?", validators=[InputRequired(message="Enter why they are leaving"),
                                                                 Length(max=1000)], widget=GovTextArea())
    submit = SubmitField("Withdraw from the cohort", widget=GovSubmitInput())


class TransferForm(FlaskForm):
    cohort = SelectField("Move to", widget=GovSelect(), validators=[InputRequired(message="Choose a cohort")])
    reason = TextAreaField("Why are they moving?", validators=[InputRequired(message="Enter why they are moving"),
                                                                Length(max=1000)], widget=GovTextArea())
    submit = SubmitField("Move to the cohort", widget=GovSubmitInput())


class SessionForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(message="Enter a title"), Length(max=200)],
                        widget=GovTextInput())
    module = SelectField("Module", widget=GovSelect(), validators=[Optional()])
    day = date_field("Date", "Enter the date of the session")
    starts = StringField("Start time", description="UK time, for example 10am or 14:30",
                         validators=[InputRequired(message="Enter a start time"),
                                     TimeOfDay("Enter a start time like 10am or 14:30")], widget=GovTextInput())
    ends = StringField("End time", description="For example 12:30pm",
                       validators=[InputRequired(message="Enter an end time"),
                                   TimeOfDay("Enter an end time like 12:30pm or 16:00")], widget=GovTextInput())
    location = StringField("Place", description="An address or room; leave empty for an online session",
                           validators=[Optional(), Length(max=300)], widget=GovTextInput())
    join_url = StringField("Online joining link", description="Starts with https://",
                           validators=[Optional(), Length(max=500)], widget=GovTextInput())
    submit = SubmitField("Save session", widget=GovSubmitInput())


class CancelSessionForm(FlaskForm):
    reason = TextAreaField("Why is it cancelled?", description="Everyone in the cohort is told by email",
                           validators=[InputRequired(message="Enter why the session is cancelled"), Length(max=1000)],
                           widget=GovTextArea())
    submit = SubmitField("Cancel the session", widget=GovSubmitInput())


STATUS_CHOICES = [(status.value, status.label) for status in AttendanceStatus]


def register_form(enrolments, marks, preset: str | None = None):
    """A register with one set of choices and a note for each person expected."""

    class RegisterForm(FlaskForm):
        submit = SubmitField("Save register", widget=GovSubmitInput())

    for enrolment in enrolments:
        mark = marks.get(enrolment.id)
        default = mark.status.value if mark else preset
        setattr(RegisterForm, f"status-{enrolment.id}", RadioField(
            enrolment.user.name, choices=STATUS_CHOICES, default=default,
            validators=[InputRequired(message=f"Choose present, late, absent or excused for {enrolment.user.name}")],
            widget=GovRadioInput(),
        ))
        setattr(RegisterForm, f"note-{enrolment.id}", StringField(
            f"Note about {enrolment.user.name} (optional)", default=mark.note if mark else None,
            validators=[Optional(), Length(max=500, message="Notes must be 500 characters or fewer")],
            widget=GovTextInput(),
        ))
    return RegisterForm()


def schedule_form(schedule):
    """Open and due dates for each module of a cohort."""

    class ScheduleForm(FlaskForm):
        submit = SubmitField("Save dates", widget=GovSubmitInput())

    for entry in schedule:
        title = entry.module.title
        setattr(ScheduleForm, f"opens_{entry.module_id}", date_field(
            f"{title}: opens", f"Enter the date “{title}” opens", default=entry.opens_on, description=""))
        setattr(ScheduleForm, f"due_{entry.module_id}", date_field(
            f"{title}: due", f"Enter the date “{title}” is due", default=entry.due_on, description=""))
    return ScheduleForm()
