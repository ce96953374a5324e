"""Forms for cohorts, sessions and registers."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.cohorts.models import AttendanceStatus
from app.form_tokens import OnceForm
from app.forms import ClockField, Form, GovDateField, WholeNumberField

def date_field(label: str, missing: str, description: str = "For example, 27 3 2027") -> GovDateField:
    return GovDateField(
        label, description=description, invalid_message=f"{label} must be a real date",
        validators=[DataRequired(message=missing)],
    )


class CohortForm(OnceForm):
    """A cohort's details; its intake is chosen once, when it is created (NewCohortForm)."""

    name = StringField("Cohort name", description="For example, Spring 2027 – cohort A",
                       validators=[InputRequired(message="Enter a name for the cohort"), Length(max=200)],
                       widget=GovTextInput())
    capacity = WholeNumberField("Places", invalid_message="Places must be a whole number, like 20",
                                validators=[InputRequired(message="Enter how many places the cohort has"),
                                            NumberRange(min=1, max=500, message="Places must be between 1 and 500")])
    start_on = date_field("Start date", "Enter the start date")
    end_on = date_field("End date", "Enter the end date")
    facilitators = SelectMultipleField("Facilitators", choices=[], widget=GovCheckboxesInput(),
                                       validators=[InputRequired(message="Choose at least one facilitator")])
    submit = SubmitField("Save cohort", widget=GovSubmitInput())


class NewCohortForm(CohortForm):
    intake = SelectField("Intake", widget=GovSelect(), validators=[InputRequired(message="Choose an intake")])


class EnrolForm(Form):
    participants = SelectMultipleField("Accepted nominees without a place", choices=[], widget=GovCheckboxesInput(),
                                       validators=[InputRequired(message="Choose at least one person to enrol")])
    submit = SubmitField("Enrol", widget=GovSubmitInput())


class WithdrawForm(Form):
    reason = TextAreaField("Why are they leaving?", validators=[InputRequired(message="Enter why they are leaving"),
                                                                 Length(max=1000)], widget=GovTextArea())
    submit = SubmitField("Withdraw from the cohort", widget=GovSubmitInput())


class TransferForm(Form):
    cohort = SelectField("Move to", widget=GovSelect(), validators=[InputRequired(message="Choose a cohort")])
    reason = TextAreaField("Why are they moving?", validators=[InputRequired(message="Enter why they are moving"),
                                                                Length(max=1000)], widget=GovTextArea())
    submit = SubmitField("Move to the cohort", widget=GovSubmitInput())


class SessionForm(OnceForm):
    title = StringField("Title", validators=[InputRequired(message="Enter a title"), Length(max=200)],
                        widget=GovTextInput())
    module = SelectField("Module", widget=GovSelect(), validators=[Optional()])
    day = date_field("Date", "Enter the date of the session")
    starts = ClockField("Start time", description="UK time, for example 10am or 14:30",
                        invalid_message="Enter a start time like 10am or 14:30",
                        validators=[InputRequired(message="Enter a start time")])
    ends = ClockField("End time", description="For example 12:30pm",
                      invalid_message="Enter an end time like 12:30pm or 16:00",
                      validators=[InputRequired(message="Enter an end time")])
    location = StringField("Place", description="An address or room; leave empty for an online session.",
                           validators=[Optional(), Length(max=300)], widget=GovTextInput())
    join_url = StringField("Online joining link", description="Starts with https://",
                           validators=[Optional(), Length(max=500)], widget=GovTextInput())
    submit = SubmitField("Save session", widget=GovSubmitInput())


class CancelSessionForm(Form):
    reason = TextAreaField("Why is it cancelled?", description="Everyone in the cohort is told by email.",
                           validators=[InputRequired(message="Enter why the session is cancelled"), Length(max=1000)],
                           widget=GovTextArea())
    submit = SubmitField("Cancel the session", widget=GovSubmitInput())


STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in AttendanceStatus]


def register_form(enrolments, marks, preset: str | None = None):
    """A register with one set of choices and a note for each person expected."""

    class RegisterForm(Form):
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

    class ScheduleForm(Form):
        submit = SubmitField("Save dates", widget=GovSubmitInput())

    for entry in schedule:
        title = entry.module.title
        setattr(ScheduleForm, f"opens_{entry.module_id}", date_field(
            f"{title}: opens", f"Enter the date “{title}” opens", description=""))
        setattr(ScheduleForm, f"due_{entry.module_id}", date_field(
            f"{title}: due", f"Enter the date “{title}” is due", description=""))
    form = ScheduleForm()
    if not form.is_submitted():
        for entry in schedule:
            form[f"opens_{entry.module_id}"].data = entry.opens_on
            form[f"due_{entry.module_id}"].data = entry.due_on
    return form
