"""Malformed input is refused before any view sees it, with a clear 400 or 404 and nothing
changed: never a server error.

- ``<int:…>`` in every route matches only numbers the database can hold (PostgreSQL's
  ``integer``), so a 30-digit id is "not found" rather than an overflow in the database driver;
  ``database_id`` and ``database_ids`` do the same for ids read from a query string or a form.
- No control characters in any submitted text: NUL bytes (which PostgreSQL cannot store),
  escapes, C1 controls, and in addresses (path and query string, so every search box) also
  tabs, CR/LF and the Unicode line and paragraph separators, which would split a redirect's
  headers or a one-line value. Form text may hold tabs and line breaks here: a textarea needs
  them, and every one-line form field refuses them itself (``training.forms``, with
  ``ONE_LINE`` below).
- No uploaded files, except to the views marked ``@takes_files`` (a certificate of completion,
  checked by ``training.uploads``): Flask-WTF would hand a file to a field that expects text.
- No query value longer than ``limits.QUERY_VALUE``.
- Dates only between ``EARLIEST_DAY`` and ``LATEST_DAY`` (``sensible_day``), where date
  arithmetic cannot overflow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Flask, abort, current_app, request
from werkzeug.routing import IntegerConverter

from training import limits

#: the largest id or number a route or filter accepts (PostgreSQL's ``integer``)
DATABASE_INT_MAX = 2**31 - 1
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)

#: control characters a form's text may not hold (tab, line feed and carriage return may)
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: what one line of text may not hold: any control character (C0, DEL, C1 with U+0085 "next
#: line") and the Unicode line and paragraph separators U+2028 and U+2029. An address (path or
#: query string) is one line; so is every form field but a textarea.
ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

CONTROL_MESSAGE = (
    "What you sent contains a hidden control character (such as a NUL byte) that we cannot "
    "store. Please retype the text and try again."
)
FILE_MESSAGE = "This form doesn't take files. Please type your answer into the form instead."
LONG_ADDRESS_MESSAGE = "That web address is too long. Please go back and try again."


TAKES_FILES = "takes_files"


def takes_files(view: Any) -> Any:
    """Mark a view (under its ``@bp.route``) as one whose form takes an uploaded file."""
    setattr(view, TAKES_FILES, True)
    return view


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` for ids: only whole numbers from 0 to ``DATABASE_INT_MAX`` match."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: routes pick their converter when added."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(refuse_malformed_input)
    app.jinja_env.globals["limits"] = limits  # maxlength of inputs drawn by hand


def refuse_malformed_input() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and ONE_LINE.search(value):
            abort(404)
    for key, value in request.args.items(multi=True):
        if ONE_LINE.search(key) or ONE_LINE.search(value):
            abort(400, CONTROL_MESSAGE)
        if len(value) > limits.QUERY_VALUE:
            abort(400, LONG_ADDRESS_MESSAGE)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if request.files and not getattr(view, TAKES_FILES, False):
        abort(400, FILE_MESSAGE)
    for key, value in request.form.items(multi=True):
        if ONE_LINE.search(key) or _CONTROL_IN_TEXT.search(value):
            abort(400, CONTROL_MESSAGE)


#: invisible characters that change how the text around them is shown: the bidirectional
#: embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the direction marks
DIRECTION_CONTROLS = re.compile(r"[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def has_hidden_characters(text: str) -> bool:
    """Whether ``text`` holds a control character, a line break or a direction control."""
    return not is_one_line(text) or DIRECTION_CONTROLS.search(text) is not None


def is_one_line(text: str) -> bool:
    """Whether ``text`` holds no line break, separator or other control character."""
    return ONE_LINE.search(text) is None


def database_id(value: str) -> int:
    """A positive id the database can hold, for ``request.args.get(name, type=database_id)``;
    ValueError for anything else (so the argument counts as absent)."""
    if not (value.isascii() and value.isdigit()):
        raise ValueError("not an id")
    number = int(value)
    if not 1 <= number <= DATABASE_INT_MAX:
        raise ValueError("not an id")
    return number


def database_ids(values: Iterable[str]) -> list[int]:
    """The well-formed ids among ``values`` (ticked checkboxes), in order; others are dropped."""
    ids = []
    for value in values:
        try:
            ids.append(database_id(value))
        except ValueError:
            continue
    return ids


def sensible_day(value: str) -> date | None:
    """An ISO date between ``EARLIEST_DAY`` and ``LATEST_DAY``, else None."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None
