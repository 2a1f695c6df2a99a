from flask_wtf import FlaskForm
from wtforms import SubmitField


class MarkCompleteForm(FlaskForm):
    """CSRF only. The module page draws this form itself (a hidden token and a button) instead
    of building the form object: every module view would pay for it, and only the POST reads it."""


class StartAttemptForm(FlaskForm):
    submit = SubmitField("Start the quiz")


class AttemptForm(FlaskForm):
    """CSRF only: the answers are read and checked by the quiz grader (``courses.quiz.grade``),
    which knows the attempt's questions and reports tampering in plain words."""

    submit = SubmitField("Submit my answers")
