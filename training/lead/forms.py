from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from training.models import Role

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]


class PersonForm(FlaskForm):
    name = StringField(
        "Full name",
        validators=[DataRequired(message="Enter the person's name."), Length(max=120)],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.TRAINEE.value)


class NewPersonForm(PersonForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Enter an email address."),
            Email(message="Enter an email address like name@example.org."),
            Length(max=254),
        ],
    )
    submit = SubmitField("Create account")


class EditPersonForm(PersonForm):
    active = BooleanField("Account is active (can sign in)")
    submit = SubmitField("Save changes")
