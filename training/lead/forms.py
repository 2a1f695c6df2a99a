from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from training import limits
from training.auth.forms import email_field
from training.forms import Form
from training.models import Role
from training.validators import at_most

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]


class PersonForm(Form):
    name = StringField(
        "Full name",
        validators=[DataRequired(message="Enter the person's name."), at_most(limits.NAME)],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.TRAINEE.value)


class NewPersonForm(PersonForm):
    email = email_field()
    credential = StringField(
        "Credential (supervisors only)",
        validators=[at_most(limits.CREDENTIAL)],
        description='For example "Certified Peer Recovery Specialist, licence 12345".',
    )
    submit = SubmitField("Create account")


class EditPersonForm(PersonForm):
    credential = StringField(
        "Credential (supervisors)",
        validators=[at_most(limits.CREDENTIAL)],
        description='For example "Certified Peer Recovery Specialist, licence 12345". It is '
        "printed with every sign-off they make.",
    )
    active = BooleanField("Account is active (can sign in)")
    submit = SubmitField("Save changes")


class AssignSupervisorForm(Form):
    supervisor = SelectField("Add a supervisor", coerce=int, choices=[])
    submit = SubmitField("Assign")
