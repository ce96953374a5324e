"""Forms for intakes, nominations and decisions."""

from __future__ import annotations

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
)

from app.auth.forms import EMAIL_VALIDATORS
from app.form_tokens import OnceForm
from app.forms import ClockField, Form, GovDateField, WholeNumberField, local_moment
from app.intakes.decisions import Decision
from app.timeutil import to_local


class IntakeForm(OnceForm):
    course = SelectField("Course", widget=GovSelect(), validators=[InputRequired(message="Choose a course")])
    name = StringField(
        "Name of the intake",
        description="For example, Spring 2027",
        validators=[InputRequired(message="Enter a name for the intake"), Length(max=200, message="Name must be 200 characters or fewer")],
        widget=GovTextInput(),
    )
    opens_on = GovDateField(
        "Nominations open on",
        description="For example, 1 3 2027",
        invalid_message="The opening date must be a real date",
        validators=[DataRequired(message="Enter the date nominations open")],
    )
    opens_at = ClockField(
        "Nominations open at",
        description="UK time, for example 9am or 5:30pm",
        invalid_message="Enter the opening time like 9am or 5:30pm",
        validators=[InputRequired(message="Enter the time nominations open")],
    )
    closes_on = GovDateField(
        "Nominations close on",
        description="For example, 14 3 2027",
        invalid_message="The closing date must be a real date",
        validators=[DataRequired(message="Enter the date nominations close")],
    )
    closes_at = ClockField(
        "Nominations close at",
        description="UK time, for example 5pm",
        invalid_message="Enter the closing time like 9am or 5:30pm",
        validators=[InputRequired(message="Enter the time nominations close")],
    )
    cohorts_start_on = GovDateField(
        "Cohorts start on",
        description="Councils can substitute an accepted nominee until this day.",
        invalid_message="The start date must be a real date",
        validators=[DataRequired(message="Enter the date cohorts start")],
    )
    places_per_council = WholeNumberField(
        "Places for each council",
        description="You can give particular councils more or fewer places on the intake's page.",
        invalid_message="Places for each council must be a whole number, like 3",
        validators=[
            InputRequired(message="Enter the number of places for each council"),
            NumberRange(min=0, max=1000, message="Places for each council must be between 0 and 1000"),
        ],
    )
    total_places = WholeNumberField(
        "Total places on the intake",
        invalid_message="Total places must be a whole number, like 40",
        validators=[
            InputRequired(message="Enter the total number of places"),
            NumberRange(min=1, max=100000, message="Total places must be between 1 and 100,000"),
        ],
    )
    submit = SubmitField("Save intake", widget=GovSubmitInput())

    #: The window as naive UTC, set by validate().
    opens_utc: datetime | None = None
    closes_utc: datetime | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.opens_utc = local_moment(self.opens_on, self.opens_at)
        self.closes_utc = local_moment(self.closes_on, self.closes_at)
        return valid and not self.opens_at.errors and not self.closes_at.errors

    def fill_from(self, intake) -> None:
        """Show a stored intake in local time."""
        opens, closes = to_local(intake.opens_at), to_local(intake.closes_at)
        self.course.data = str(intake.course_id)
        self.name.data = intake.name
        self.opens_on.data, self.closes_on.data = opens.date(), closes.date()
        self.opens_at.data, self.closes_at.data = _clock_text(opens), _clock_text(closes)
        self.cohorts_start_on.data = intake.cohorts_start_on
        self.places_per_council.data = intake.places_per_council
        self.total_places.data = intake.total_places


def _clock_text(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


class CouncilPlacesForm(Form):
    council = SelectField("Council", widget=GovSelect(), validators=[InputRequired(message="Choose a council")])
    places = WholeNumberField(
        "Places",
        invalid_message="Places must be a whole number, like 3",
        validators=[
            InputRequired(message="Enter the number of places"),
            NumberRange(min=0, max=1000, message="Places must be between 0 and 1000"),
        ],
    )
    submit = SubmitField("Set places", widget=GovSubmitInput())


class WindowForm(Form):
    """The button that opens or closes the nomination window now."""

    window = SubmitField("Change the window now", widget=GovSubmitInput())


class NominationForm(Form):
    name = StringField(
        "Full name",
        validators=[InputRequired(message="Enter the full name of the person you are nominating"), Length(max=200, message="Full name must be 200 characters or fewer")],
        widget=GovTextInput(),
    )
    email = EmailField(
        "Work email address",
        description="We will send the invitation to set up their account here if they are accepted.",
        validators=EMAIL_VALIDATORS,
        widget=GovTextInput(),
    )
    job_title = StringField(
        "Job title",
        validators=[InputRequired(message="Enter their job title"), Length(max=200, message="Job title must be 200 characters or fewer")],
        widget=GovTextInput(),
    )
    service_area = StringField(
        "Service area",
        description="For example, adult social care, or revenues and benefits",
        validators=[InputRequired(message="Enter their service area"), Length(max=200, message="Service area must be 200 characters or fewer")],
        widget=GovTextInput(),
    )
    reason = TextAreaField(
        "Why this person, and what change will they lead?",
        description="Tell us what they do now and the change in your council they will lead with what they learn.",
        validators=[
            InputRequired(message="Enter why you are nominating this person and the change they will lead"),
            Length(max=2000, message="Why this person must be 2000 characters or fewer"),
        ],
        widget=GovCharacterCount(),
    )
    line_manager_supports = BooleanField(
        "Their line manager supports this nomination",
        validators=[DataRequired(message="Confirm that their line manager supports this nomination")],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Submit nomination", widget=GovSubmitInput())

    def fill_from(self, nomination) -> None:
        self.name.data = nomination.nominee_name
        self.email.data = nomination.email
        self.job_title.data = nomination.job_title
        self.service_area.data = nomination.service_area
        self.reason.data = nomination.reason
        self.line_manager_supports.data = nomination.line_manager_supports


class SubstitutionForm(NominationForm):
    submit = SubmitField("Ask to substitute", widget=GovSubmitInput())


class DecisionForm(Form):
    decision = RadioField(
        "Decision",
        choices=[SelectChoice(d.value, d.label) for d in Decision],
        validators=[InputRequired(message="Choose a decision")],
        widget=GovRadioInput(),
    )
    reason = TextAreaField(
        "Reason",
        description="Needed to decline. The council lead and the nominee will see it.",
        validators=[Length(max=2000, message="Reason must be 2000 characters or fewer")],
        widget=GovTextArea(),
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class BulkDecisionForm(DecisionForm):
    nominations = SelectMultipleField(
        "Nominations", coerce=int, validate_choice=False,
        validators=[DataRequired(message="Select at least one nomination")],
    )
    submit = SubmitField("Apply to selected nominations", widget=GovSubmitInput())


class SubstitutionDecisionForm(Form):
    decision = RadioField(
        "Substitution",
        choices=[
            SelectChoice("approve", "Approve the substitution"),
            SelectChoice("decline", "Decline the substitution"),
        ],
        validators=[InputRequired(message="Choose whether to approve the substitution")],
        widget=GovRadioInput(),
    )
    reason = TextAreaField(
        "Reason",
        description="Needed to decline. The council lead will see it",
        validators=[Length(max=2000, message="Reason must be 2000 characters or fewer")],
        widget=GovTextArea(),
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())
