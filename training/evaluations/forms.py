"""The evaluation form is built from the track's rule: per competency, the scale as radio
buttons (``rating_<n>``) and a comment box (``comment_<n>``), ``n`` its place on the form."""

from __future__ import annotations

from functools import lru_cache

from wtforms import BooleanField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from certificates.evaluation import (
    OVERALL,
    Answer,
    comment_key,
    parse_rating,
    rating_key,
)
from certificates.rulebook import EvaluationRule
from training import limits
from training.forms import Form
from training.input_checks import DATABASE_INT_MAX
from training.validators import at_most


class EvaluationForm(Form):
    """The overall comment; ``form_class`` adds each competency's rating and comment."""

    overall = TextAreaField(
        "Overall comment (optional)",
        validators=[at_most(limits.EVALUATION_OVERALL)],
        description="What the trainee does well, and what to work on next.",
    )


@lru_cache(maxsize=64)
def form_class(rule: EvaluationRule) -> type[EvaluationForm]:
    """The form for this rule (made once per rule)."""
    choices = [SelectChoice(str(index), words) for index, words in enumerate(rule.scale)]
    fields: dict[str, object] = {}
    for n, competency in enumerate(rule.competencies):
        fields[f"rating_{n}"] = RadioField(
            competency.title, choices=choices, validators=[Optional()]
        )
        fields[f"comment_{n}"] = TextAreaField(
            f"Comment on “{competency.title}”",
            validators=[at_most(limits.EVALUATION_COMMENT)],
            description=f"Required for a rating below {rule.min_rating}.",
        )
    return type("RuleEvaluationForm", (EvaluationForm,), fields)


def answers(form: EvaluationForm, rule: EvaluationRule) -> dict[str, Answer]:
    """What the supervisor submitted, competency id -> answer."""
    return {
        c.id: Answer(parse_rating(rule, form[f"rating_{n}"].data), form[f"comment_{n}"].data or "")
        for n, c in enumerate(rule.competencies)
    }


def show_problems(form: EvaluationForm, rule: EvaluationRule, found: dict[str, str]) -> None:
    """Put each problem ``certificates.evaluation.problems`` found next to its field."""
    for n, c in enumerate(rule.competencies):
        for key, name in ((rating_key(c.id), f"rating_{n}"), (comment_key(c.id), f"comment_{n}")):
            if key in found:
                form[name].errors = [*form[name].errors, found[key]]
    if OVERALL in found:
        form.overall.errors = [*form.overall.errors, found[OVERALL]]


def filled(rule: EvaluationRule, stored: dict[str, Answer], overall: str) -> EvaluationForm:
    """The form showing what is saved (on a first visit, not a submission)."""
    data: dict[str, object] = {"overall": overall}
    for n, c in enumerate(rule.competencies):
        answer = stored.get(c.id, Answer())
        data[f"rating_{n}"] = None if answer.rating is None else str(answer.rating)
        data[f"comment_{n}"] = answer.comment
    return form_class(rule)(formdata=None, data=data)


class SignForm(Form):
    #: the draft's revision the supervisor reviewed: they sign exactly that
    revision = IntegerField(
        widget=HiddenInput(), validators=[NumberRange(min=1, max=DATABASE_INT_MAX)]
    )
    confirm = BooleanField(
        "I confirm",
        validators=[DataRequired(message="Tick “I confirm” to sign the evaluation.")],
    )


class VoidForm(Form):
    reason = TextAreaField(
        "Reason for voiding the evaluation",
        validators=[at_most(limits.REASON)],
        description="Required. It stays on record, and the trainee sees it.",
    )
