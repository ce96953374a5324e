"""Forms for signing in and managing a password."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from app.forms import Form
from app.auth.models import Role
from app.form_tokens import OnceForm

EMAIL_VALIDATORS = [
    InputRequired(message="Enter an email address"),
    Email(message="Enter an email address in the correct format, like name@council.gov.uk"),
    Length(max=254, message="Email address must be 254 characters or fewer"),
]


class LoginForm(Form):
    email = EmailField("Email address", validators=EMAIL_VALIDATORS, widget=GovTextInput())
    password = PasswordField(
        "Password", validators=[InputRequired(message="Enter your password")], widget=GovPasswordInput()
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class NewPasswordForm(Form):
    password = PasswordField(
        "New password",
        description="Use 10 characters or more. A few unrelated words make a strong password.",
        validators=[InputRequired(message="Enter a new password")],
        widget=GovPasswordInput(),
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("password", message="The passwords do not match"),
        ],
        widget=GovPasswordInput(),
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(message="Enter your current password")],
        widget=GovPasswordInput(),
    )


class ForgottenPasswordForm(Form):
    email = EmailField("Email address", validators=EMAIL_VALIDATORS, widget=GovTextInput())
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class InviteForm(OnceForm):
    name = StringField(
        "Full name",
        validators=[InputRequired(message="Enter their full name"), Length(max=200)],
        widget=GovTextInput(),
    )
    email = EmailField("Work email address", validators=EMAIL_VALIDATORS, widget=GovTextInput())
    roles = SelectMultipleField(
        "Roles",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[InputRequired(message="Choose at least one role")],
        widget=GovCheckboxesInput(),
    )
    council = SelectField("Council", description="For council leads and participants.", widget=GovSelect())
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
