"""The forms of live training events: schedule or edit an event, and the attendance sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from certificates.live_training import MAX_EVENT_HOURS
from courses.domains import DOMAINS
from training import limits
from training.forms import Form, HoursField
from training.validators import at_most, sensible_date

#: the cohort choice meaning "every trainee"
EVERYONE = 0
#: the longest text the minutes box of the attendance sheet takes ("720")
MINUTES_CHARACTERS = 4


class EventHoursField(HoursField):
    """Hours in one domain of an event ("1.5"), blank for none; what was typed is shown again
    as typed."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            label,
            message="Enter hours as a number, for example 1.5.",
            places=None,
            validators=[
                Optional(),
                NumberRange(
                    min=0,
                    max=MAX_EVENT_HOURS,
                    message=f"Enter hours from 0 to {MAX_EVENT_HOURS}.",
                ),
            ],
            render_kw={"step": "0.25", "min": "0", "max": str(MAX_EVENT_HOURS)},
            **kwargs,
        )


class EventForm(Form):
    #: the track's live session this event was started from ("track:session"), if any
    template = HiddenField(validators=[at_most(limits.SEARCH)])
    title = StringField("Title", validators=[at_most(limits.EVENT_TITLE)])
    day = DateField(
        "Date", validators=[InputRequired(message="Enter the date of the event."), sensible_date]
    )
    facilitator = StringField(
        "Facilitator",
        validators=[at_most(limits.NAME)],
        description="Who leads it, as trainees will see it.",
    )
    location = StringField(
        "Where or how (optional)",
        validators=[at_most(limits.EVENT_LOCATION)],
        description="For example “Room 2, 14 Main Street” or “Video call”.",
    )
    cohort = SelectField("Who it is for", coerce=int, choices=[])
    submit = SubmitField("Schedule the event")

    def hours_fields(self) -> list[tuple[str, HoursField]]:
        return [(domain, self[f"hours_{domain}"]) for domain in DOMAINS]

    def hours_by_domain(self) -> dict[str, Decimal]:
        """The hours entered, by domain (blank domains left out)."""
        return {d: f.data for d, f in self.hours_fields() if f.data is not None}


for _domain, _name in DOMAINS.items():
    setattr(EventForm, f"hours_{_domain}", EventHoursField(f"{_name} (hours)"))


class TemplateForm(Form):
    """Start an event from one of the tracks' live sessions (a GET form: no CSRF needed)."""

    class Meta:
        csrf = False

    template = SelectField("Live session", choices=[], validate_choice=False)
    submit = SubmitField("Use this session")


class ActionForm(Form):
    """CSRF only, for buttons that change one event (cancel, delete) and the attendance sheet,
    whose rows (``status-<trainee id>``, ``minutes-<trainee id>``) the view reads."""
