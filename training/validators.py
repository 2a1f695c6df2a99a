"""Form validators every form shares: length limits (``training.limits``), one line of text
(every one-line field gets it from ``training.forms.Form``) and date ranges."""

from __future__ import annotations

from typing import Any

from flask import abort
from wtforms.validators import Length, ValidationError

from training.input_checks import EARLIEST_DAY, LATEST_DAY, is_one_line

ONE_LINE_MESSAGE = (
    "Please keep this on one line: it can't hold line breaks or hidden control characters."
)


def at_most(limit: int) -> Length:
    """A ``Length`` limit with a plain message; the field renders it as ``maxlength``."""
    return Length(max=limit, message=f"Please use at most {limit:,} characters.")


def one_line(form: Any, field: Any) -> None:
    """No line break, line or paragraph separator or other control character (a textarea is
    the only field that may hold them)."""
    if isinstance(field.data, str) and not is_one_line(field.data):
        raise ValidationError(ONE_LINE_MESSAGE)


def sensible_date(form: Any, field: Any) -> None:
    """A date a person could mean: no year 1 or 9999 (whose arithmetic overflows)."""
    if field.data is not None and not EARLIEST_DAY <= field.data <= LATEST_DAY:
        raise ValidationError(
            f"Enter a date between {EARLIEST_DAY:%-d %B %Y} and {LATEST_DAY:%-d %B %Y}."
        )


def form_problem(form: Any) -> str | None:
    """None when a submitted form validates; a 400 when its CSRF token is missing or wrong;
    else its first problem in words for a flash message ("Reason: Please use at most …"), for
    forms posted from a page that shows no field errors of its own."""
    if form.validate_on_submit():
        return None
    if form.csrf_token.errors:
        abort(400)
    for field in form:
        if field.errors:
            return f"{field.label.text}: {field.errors[0]}"
    return "Please check the form and try again."
