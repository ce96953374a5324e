from flask_wtf.file import FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import FileField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms import Form
from app.form_tokens import OnceForm



class VerifyCodeForm(Form):
    code = StringField("Verification code", description="It is on the certificate, for example DLP-7K3M-9QX2-HT4W-R8ZC",
                       validators=[InputRequired(message="Enter the verification code from the certificate"),
                                   Length(max=50, message="The code must be 50 characters or fewer")],
                       widget=GovTextInput())
    submit = SubmitField("Check the code", widget=GovSubmitInput())


class CheckPdfForm(Form):
    file = FileField("Upload the certificate PDF",
                     description="We check that it is exactly the file we issued. It is not kept.",
                     validators=[FileRequired(message="Select the certificate’s PDF file")], widget=GovFileInput())
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class RevokeForm(Form):
    reason = TextAreaField("Why is it revoked?", description="The verification page will say it was revoked, and when.",
                           validators=[InputRequired(message="Enter why the certificate is revoked"), Length(max=1000)],
                           widget=GovTextArea())
    submit = SubmitField("Revoke the certificate", widget=GovSubmitInput())


class ReissueForm(OnceForm):
    name = StringField("Name as it should appear", validators=[InputRequired(message="Enter the name for the certificate"),
                                                               Length(max=200)], widget=GovTextInput())
    submit = SubmitField("Reissue with a new code", widget=GovSubmitInput())

