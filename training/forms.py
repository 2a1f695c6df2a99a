"""``Form``: the base class of every form of the platform (instead of Flask-WTF's ``FlaskForm``).

It holds the rules every field of a kind shares, so no form can forget them:

- A one-line field (``StringField`` and its kinds: email, password, search) refuses line
  breaks, the Unicode line and paragraph separators and any other control character with a
  form error (``validators.one_line``): a name typed as ``Riley Chen\\n  Live status …`` would
  otherwise be signed and printed on a certificate as two lines. Only a ``TextAreaField``
  (notes, reasons, comments) keeps line breaks.
- Surrounding spaces are trimmed from one-line text, except passwords (a space may be part of
  one), so "Riley Chen " and "Riley Chen" are the same name everywhere.
- A textarea's line breaks are stored as one character each. Browsers send each one as CR LF
  but count it as one against ``maxlength``; counted as two, a response the browser accepted
  at 3,999 characters would be refused as longer than 4,000.

Text read by hand instead of through a form (search boxes, which are in the query string) is
checked by ``input_checks.refuse_malformed_input`` with the same rule (``input_checks.ONE_LINE``).
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort
from flask_wtf import FlaskForm
from wtforms import DecimalField, Field, PasswordField, StringField, TextAreaField

from training.validators import one_line


def is_one_line_field(field: Field) -> bool:
    """Whether the field takes a single line of text (everything text but a textarea)."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField)


def _trimmed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _newlines(value: Any) -> Any:
    """CR LF and lone CR, as browsers and old systems send them, become LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = unbound_field.bind(form=form, **options)
            if is_one_line_field(field):
                field.validators = [one_line, *field.validators]
                if not isinstance(field, PasswordField):
                    field.filters = (*field.filters, _trimmed)
            elif isinstance(field, TextAreaField):
                field.filters = (_newlines, *field.filters)
            return field


def refuse_bad_csrf(form: FlaskForm) -> None:
    """A 400 for a validated form whose CSRF token is missing or wrong (an old page or a post
    from elsewhere: there is no field to show that beside); other problems are left for the
    page to show next to their fields."""
    if form.csrf_token.errors:
        abort(400)


def submitted(form: FlaskForm) -> bool:
    """Whether ``form`` was sent with every field fine; if not, its problems are next to its
    fields for the page to show again, and a missing or wrong CSRF token is a 400."""
    if form.validate_on_submit():
        return True
    refuse_bad_csrf(form)
    return False


#: hours as people type them: plain digits, an optional decimal point, a minus (which the
#: field's range then refuses in words); no exponents, separators such as 1_0, other scripts'
#: digits, NaN or infinity
_PLAIN_HOURS = re.compile(r"-?(?:[0-9]{1,4}(?:\.[0-9]{1,4})?|\.[0-9]{1,4})")


class HoursField(DecimalField):
    """A number of hours in a box: plain decimal digits only, else the field's message (what
    ``Decimal`` alone would take includes "sNaN", "1_0" and "٣", which a form must refuse)."""

    def __init__(
        self, *args: Any, message: str = "Enter the hours as a number, e.g. 1.5.", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if (
            valuelist
            and str(valuelist[0]).strip()
            and not _PLAIN_HOURS.fullmatch(str(valuelist[0]).strip())
        ):
            self.data = None
            raise ValueError(self.message)
        try:
            super().process_formdata([str(v).strip() for v in valuelist])
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None
