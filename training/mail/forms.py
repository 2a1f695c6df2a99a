"""The forms of a person's email settings: which optional messages they get, and the button
that turns one kind off from an email's unsubscribe link."""

from __future__ import annotations

from wtforms import SubmitField

from training.forms import Form
from training.hours.forms import CheckboxesField
from training.mail.kinds import Kind


class PreferencesForm(Form):
    wanted = CheckboxesField("Email me when:", choices=[])
    submit = SubmitField("Save")

    def offer(self, kinds: list[Kind]) -> None:
        """Offer a checkbox for each of ``kinds`` (the optional kinds of the person's role)."""
        self.wanted.choices = [(kind.name, kind.label) for kind in kinds]


class UnsubscribeForm(Form):
    submit = SubmitField("Stop these emails")
