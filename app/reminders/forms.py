from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SelectMultipleField, SubmitField

from app.forms import Form


class PreferencesForm(Form):
    wanted = SelectMultipleField(
        "Which reminders do you want?",
        description="Select all that apply. Emails about invitations, decisions and certificates always go.",
        choices=[],
        validate_choice=True,
        widget=GovCheckboxesInput(),
    )
    delivery = RadioField(
        "How do you want reminders about your cohorts' work?",
        description="Registers not taken, work waiting to be marked, participants who missed a due date.",
        choices=[
            SelectChoice("each", "One email for each"),
            SelectChoice("daily", "One email a day, at 7am, with everything waiting"),
        ],
        default="each",
        widget=GovRadioInput(),
    )
    submit = SubmitField("Save reminder choices", widget=GovSubmitInput())

