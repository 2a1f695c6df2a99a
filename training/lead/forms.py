from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from training import limits
from training.auth.forms import email_field
from training.forms import Form
from training.input_checks import database_id
from training.lead.people_csv import PEOPLE_CSV_MAX_BYTES, PREVIEW_TOKEN_MAX_CHARS
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
    submit = SubmitField("Create account and invite")


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


#: the most trainees the cohort page lists (and adds) at once: a search narrows the rest
TRAINEES_AT_ONCE = 50


def _person_id(value: object) -> int:
    """A submitted person id (ValueError for anything else), or one of the offered ones."""
    return database_id(str(value))


class AddTraineesForm(Form):
    """Trainees to add to a cohort, as checkboxes: those a search found (``choices``, set by
    the page). What is submitted is checked against the database, not against a list of every
    trainee: active trainees in no cohort, at most ``TRAINEES_AT_ONCE``."""

    trainees = SelectMultipleField(
        "Trainees to add",
        coerce=_person_id,
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField("Add to the cohort")


class CohortCsvForm(Form):
    """A CSV file of trainees' addresses to add to a cohort (``training.lead.cohort_csv``)."""

    emails_file = FileField(
        "CSV file of email addresses",
        render_kw={"accept": ".csv,.txt,text/csv,text/plain"},
        description="One address a line, or a file with an “email” column.",
    )
    submit = SubmitField("Check the file")


class ConfirmCohortCsvForm(Form):
    """The text of a checked file of addresses, carried back hidden from its preview: checked
    again before anyone is added."""

    emails = TextAreaField(widget=HiddenInput(), validators=[at_most(PEOPLE_CSV_MAX_BYTES)])
    submit = SubmitField("Add them to the cohort")


class ImportPeopleForm(Form):
    """A CSV file of people to invite (read by ``training.lead.invitations``)."""

    people_file = FileField("CSV file", render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField("Check the file")


class ConfirmImportForm(Form):
    """The CSV text of a checked file, carried back hidden from its preview with the preview's
    signature (``training.lead.people_import``): checked again."""

    people = TextAreaField(widget=HiddenInput(), validators=[at_most(PEOPLE_CSV_MAX_BYTES)])
    preview = StringField(widget=HiddenInput(), validators=[at_most(PREVIEW_TOKEN_MAX_CHARS)])
    submit = SubmitField("Create the accounts and send the invitations")
