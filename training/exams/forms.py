"""The exam's forms: a lead records or withdraws a result of an exam taken elsewhere, or grants
one more attempt at the final exam; a trainee starts and submits an attempt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from training import limits
from training.forms import Form
from training.input_checks import DATABASE_INT_MAX
from training.validators import at_most, sensible_date

RESULTS = {"passed": "Passed", "not_passed": "Not passed"}


def not_in_the_future(form: Any, field: Any) -> None:
    if field.data is not None and field.data > datetime.now(UTC).date():
        raise ValidationError("Enter the day the exam was taken: it cannot be in the future.")


class ResultForm(Form):
    day = DateField(
        "Date taken",
        validators=[
            InputRequired(message="Enter the date the exam was taken."),
            sensible_date,
            not_in_the_future,
        ],
    )
    result = RadioField(
        "Result",
        choices=[SelectChoice(k, v) for k, v in RESULTS.items()],
        validate_choice=False,  # AnyOf below says what is wrong in words
        validators=[AnyOf(list(RESULTS), message="Choose whether the trainee passed.")],
    )
    score = StringField(
        "Score (optional)",
        validators=[at_most(limits.EXAM_SCORE)],
        description="As the board reports it, for example “612 scaled”.",
    )
    evidence = FileField(
        "Evidence (optional)",
        description="The board's letter or a screenshot of the result: a PDF, PNG or JPEG.",
        render_kw={"accept": "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"},
    )
    note = TextAreaField(
        "Note (optional)",
        validators=[at_most(limits.REASON)],
        description="For example where the result was seen: “Board letter of 10 March”.",
    )
    submit = SubmitField("Record the result")

    @property
    def passed(self) -> bool:
        return self.result.data == "passed"


class WithdrawForm(Form):
    reason = TextAreaField(
        "Why withdraw it",
        validators=[
            DataRequired(message="Say why this result is withdrawn."),
            at_most(limits.REASON),
        ],
        description="Kept in the audit log, for example “Recorded for the wrong trainee”.",
    )
    submit = SubmitField("Withdraw this result")


class ExtraAttemptForm(Form):
    #: how many extra attempts the lead's page showed: a grant is added only while that is so
    seen = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(), NumberRange(min=0, max=DATABASE_INT_MAX)],
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired(message="Say why you are granting another attempt."),
            at_most(limits.REASON),
        ],
        description="Kept in the audit log, for example “Reviewed the ethics domain with "
        "their supervisor on 3 June”.",
    )
    submit = SubmitField("Grant one more attempt")


class StartExamForm(Form):
    submit = SubmitField("Start the final exam")


class ExamAttemptForm(Form):
    """CSRF only: the answers are read and checked by the grader (``courses.exam_draw``)."""

    submit = SubmitField("Submit my answers")
