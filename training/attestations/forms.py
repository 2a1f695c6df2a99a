from __future__ import annotations

from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired

from training import limits
from training.forms import Form
from training.validators import at_most


class SignForm(Form):
    """The box's label is the attestation's statement (set by the view)."""

    agree = BooleanField(
        "I agree",
        validators=[DataRequired(message="Tick the box to confirm you have read it and agree.")],
    )
    name = StringField(
        "Your full name, as your signature",
        validators=[
            DataRequired(message="Type your full name to sign."),
            at_most(limits.NAME),
        ],
        description="Type your name as it is on your account.",
    )
    submit = SubmitField("Sign")


class WithdrawForm(Form):
    reason = StringField(
        "Why you are withdrawing this confirmation",
        validators=[
            DataRequired(message="Write a short reason: it stays on record."),
            at_most(limits.CONFIRMATION_WITHDRAW_REASON),
        ],
        description=(
            "A short reason, such as “Confirmed by mistake”. Do not write personal details or "
            "anything about the document or the person’s history."
        ),
    )
    submit = SubmitField("Withdraw the confirmation")
