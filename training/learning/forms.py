from wtforms import SubmitField

from training.forms import Form


class MarkCompleteForm(Form):
    """CSRF only. The module page draws this form itself (a hidden token and a button) instead
    of building the form object: every module view would pay for it, and only the POST reads it."""


class StartAttemptForm(Form):
    submit = SubmitField("Start the quiz")


class AttemptForm(Form):
    """CSRF only: the answers are read and checked by the quiz grader (``courses.quiz.grade``),
    which knows the attempt's questions and reports tampering in plain words."""

    submit = SubmitField("Submit my answers")
