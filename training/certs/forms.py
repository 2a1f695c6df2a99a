from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from training import limits
from training.forms import Form
from training.models import REVOCATION_CATEGORIES
from training.validators import at_most


class VerifyForm(Form):
    class Meta:
        csrf = False  # a public look-up that changes nothing; it works from any page or app

    code = StringField(
        "Certificate code",
        validators=[at_most(limits.SEARCH)],
        description="15 letters and digits, for example 7K3QD-M9X2A-F4R8T.",
    )
    submit = SubmitField("Check this certificate")


class RevokeForm(Form):
    category = SelectField(
        "Reason category (shown publicly)",
        choices=[
            SelectChoice("", "Choose…"),
            *(SelectChoice(k, v) for k, v in REVOCATION_CATEGORIES.items()),
        ],
        validate_choice=False,  # the service says "Choose a reason category." in plain words
    )
    reason = TextAreaField(
        "What happened (kept on record, never shown publicly)", validators=[at_most(limits.REASON)]
    )
    submit = SubmitField("Revoke the certificate")


class ReissueForm(Form):
    holder_name = StringField("Name as it should be printed", validators=[at_most(limits.NAME)])
    submit = SubmitField("Re-issue with a new code")
