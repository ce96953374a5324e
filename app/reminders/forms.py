from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectMultipleField, SubmitField


class PreferencesForm(FlaskForm):
    wanted = SelectMultipleField(
        "Which reminders do you want?",
        description="Select all that apply. Emails about invitations, decisions and certificates always go.",
        choices=[],
        validate_choice=True,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save reminder choices", widget=GovSubmitInput())
