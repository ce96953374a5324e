from flask_wtf.file import FileAllowed, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import FileField, SubmitField

from app.forms import Form


class CouncilImportForm(Form):
    file = FileField(
        "Upload the signatories register (CSV)",
        description="Columns: name, gss_code, kind, signed_on (blank if the council has not signed)",
        validators=[
            FileRequired(message="Select a CSV file"),
            FileAllowed(["csv"], message="The selected file must be a CSV"),
        ],
        widget=GovFileInput(),
    )
    submit = SubmitField("Import councils", widget=GovSubmitInput())

