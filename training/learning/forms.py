from flask_wtf import FlaskForm
from wtforms import SubmitField


class MarkCompleteForm(FlaskForm):
    submit = SubmitField("Mark as complete")


class StartAttemptForm(FlaskForm):
    submit = SubmitField("Start the quiz")


class AttemptForm(FlaskForm):
    """CSRF only: the answers are read and checked by the quiz grader (``courses.quiz.grade``),
    which knows the attempt's questions and reports tampering in plain words."""

    submit = SubmitField("Submit my answers")
