from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from training.models import REVOCATION_CATEGORIES


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a public look-up that changes nothing; it works from any page or app

    code = StringField(
        "Certificate code", description="15 letters and digits, for example 7K3QD-M9X2A-F4R8T."
    )
    submit = SubmitField("Check this certificate")


class RevokeForm(FlaskForm):
    category = SelectField(
        "Reason category (shown publicly)",
        choices=[
            SelectChoice("", "Choose…"),
            *(SelectChoice(k, v) for k, v in REVOCATION_CATEGORIES.items()),
        ],
    )
    reason = TextAreaField(
        "What happened (kept on record, never shown publicly)", validators=[Length(max=2000)]
    )
    submit = SubmitField("Revoke the certificate")


class ReissueForm(FlaskForm):
    holder_name = StringField("Name as it should be printed", validators=[Length(max=120)])
    submit = SubmitField("Re-issue with a new code")
