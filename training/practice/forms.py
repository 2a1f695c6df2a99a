from __future__ import annotations

from wtforms import SubmitField, TextAreaField

from training import limits
from training.forms import Form
from training.hours.forms import PRIVACY_HINT
from training.validators import at_most


class ResponseForm(Form):
    text = TextAreaField(
        "Your response",
        validators=[at_most(limits.PRACTICE_RESPONSE)],
        description=PRIVACY_HINT,
    )
    submit = SubmitField("Send to my supervisor")


class ReviewForm(Form):
    """The feedback; each criterion's rating (``c-<index>``: met / not_yet) and the decision
    (accept / return) are read by ``practice.views.review``, which knows the exercise."""

    feedback = TextAreaField(
        "Feedback for the trainee",
        validators=[at_most(limits.PRACTICE_FEEDBACK)],
        description="Required when you ask for another try: say what to change.",
    )
