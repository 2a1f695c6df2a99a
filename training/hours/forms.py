from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from certificates.hours import DIRECT_SERVICE_HINT, KINDS, METHODS, STATUSES
from courses.domains import DOMAINS
from training import limits
from training.forms import Form
from training.validators import at_most, sensible_date

#: shown under every text a trainee writes about their work (hours notes, practice responses)
PRIVACY_HINT = (
    "Refer to people you support by initials or a code, never by name, contact details or "
    "date of birth."
)


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (works without JavaScript, unlike a multi-select box)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EntryForm(Form):
    day = DateField("Date", validators=[InputRequired(message="Enter the date."), sensible_date])
    hours = SelectField(
        "Hours", choices=[SelectChoice(str(h), str(h)) for h in range(13)], default="1"
    )
    minutes = SelectField(
        "Minutes", choices=[SelectChoice(str(m), f"{m:02d}") for m in (0, 15, 30, 45)], default="0"
    )
    kind = RadioField("Kind", choices=[SelectChoice(k, v) for k, v in KINDS.items()])
    method = RadioField(
        "How it took place", choices=[SelectChoice(k, v) for k, v in METHODS.items()]
    )
    domains = CheckboxesField(
        "Competency domains covered", choices=[SelectChoice(k, v) for k, v in DOMAINS.items()]
    )
    direct_service = RadioField(
        "Was this direct service with the people you support?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        default="no",
        validators=[Optional()],
        description=f"Supervised practice only. {DIRECT_SERVICE_HINT}",
    )
    supervisor = SelectField("Supervisor", coerce=int, choices=[])
    notes = TextAreaField(
        "What was discussed or done",
        validators=[at_most(limits.NOTES)],
        description=PRIVACY_HINT,
    )
    confirm = BooleanField("I have checked the warnings above and want to save this entry")
    submit = SubmitField("Save as draft")
    #: the other button: save, and submit to the supervisor at once
    send = SubmitField("Save and submit")

    @property
    def total_minutes(self) -> int:
        try:
            return int(self.hours.data or 0) * 60 + int(self.minutes.data or 0)
        except ValueError:
            return -1


class ActionForm(Form):
    """CSRF only, for buttons that change one entry (submit, retract, delete)."""


class ReturnForm(Form):
    comment = TextAreaField(
        "Comment for the trainee",
        validators=[at_most(limits.REASON)],
        description="Say what needs correcting. This is required.",
    )
    submit = SubmitField("Return to the trainee")


class VoidForm(Form):
    reason = TextAreaField("Reason for voiding the sign-off", validators=[at_most(limits.REASON)])
    submit = SubmitField("Void the sign-off")


#: what a date filter says when what was typed is not a date
NOT_A_DATE = "Enter a date as year-month-day, for example 2026-03-31. This date was left out."


class PeriodForm(Form):
    """The period a list or summary covers: from and to, both optional (a GET form: no CSRF).
    The query string names them ``from`` and ``to``."""

    class Meta:
        csrf = False

    start = DateField(
        "From",
        name="from",
        validators=[Optional(), sensible_date],
        invalid_value_message=NOT_A_DATE,
    )
    end = DateField(
        "To", name="to", validators=[Optional(), sensible_date], invalid_value_message=NOT_A_DATE
    )


class EntriesFilterForm(PeriodForm):
    """The period and the status of the entries a trainee wants to see."""

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(k, v) for k, v in STATUSES.items()],
        validators=[Optional()],
        invalid_choice_message="Choose a status from the list.",
    )
