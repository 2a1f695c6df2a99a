from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from certificates.outside_hours import MAX_RECORD_HOURS
from courses.domains import DOMAINS
from training import limits
from training.forms import Form, HoursField
from training.validators import at_most, sensible_date


class OutsideForm(Form):
    provider = StringField(
        "Provider",
        validators=[DataRequired("Enter who gave the course."), at_most(limits.PROVIDER)],
        description="The organisation that gave the course, as on the certificate.",
    )
    title = StringField(
        "Course title",
        validators=[DataRequired("Enter the course's title."), at_most(limits.COURSE_TITLE)],
    )
    day = DateField(
        "Date completed",
        validators=[InputRequired("Enter the date you completed the course."), sensible_date],
    )
    certificate = FileField(
        "Certificate of completion",
        render_kw={"accept": "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"},
    )
    submit = SubmitField("Send to your program lead")

    def hours_fields(self):  # type: ignore[no-untyped-def]
        return [self[f"hours_{domain}"] for domain in DOMAINS]

    @property
    def hours(self) -> dict[str, float]:
        return {
            domain: float(field.data)
            for domain, field in zip(DOMAINS, self.hours_fields(), strict=True)
            if field.data
        }


for _domain, _name in DOMAINS.items():
    setattr(
        OutsideForm,
        f"hours_{_domain}",
        HoursField(
            _name,
            message="Enter the hours as a number, e.g. 1.5 (or leave it empty).",
            places=None,
            validators=[
                Optional(),
                NumberRange(
                    min=Decimal(0),
                    max=Decimal(f"{MAX_RECORD_HOURS:g}"),
                    message=f"Enter between 0 and {MAX_RECORD_HOURS:g} hours.",
                ),
            ],
            render_kw={"step": "0.25", "inputmode": "decimal"},
        ),
    )


#: room for the version a decision form carries (``services.version_of``: 32 characters)
VERSION_LENGTH = 64


class ActionForm(Form):
    """CSRF only, for buttons that change one record (withdraw)."""


class DecisionForm(Form):
    """A lead's approval: the version of the record they looked at (``services.version_of``),
    so a record sent again since changes nothing."""

    seen = HiddenField(validators=[at_most(VERSION_LENGTH)])


class ReturnForm(DecisionForm):
    comment = TextAreaField(
        "Comment for the trainee",
        validators=[at_most(limits.REASON)],
        description="Say what needs correcting. This is required.",
    )
    submit = SubmitField("Return to the trainee")
