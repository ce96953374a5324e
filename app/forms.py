"""Form pieces shared by every domain."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """A form with nothing but a button: for POST-only actions such as sign out."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
