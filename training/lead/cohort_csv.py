"""A file of trainees' email addresses to add to a cohort, read and checked.

The file is one address a line, or a CSV file whose header row names an ``email`` column
(other columns, a name say, are left alone). ``read_emails`` checks the file alone: its size
and encoding (``people_csv``'s checks), each line's address, an address on two lines;
``with_accounts`` adds what the database knows about each address, given as plain values
(no account, not a trainee, deactivated, already in a cohort). Both are pure. A row's
problems are listed on it, so the preview shows every row with what would happen to it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace

from training.lead.people_csv import (
    CsvRefused,
    email_problems,
    refuse_hidden_characters,
    refuse_if_too_big,
)

#: the most addresses a file may hold (the people file's limit: the same pages show them)
COHORT_CSV_MAX_ROWS = 500
#: header cells that name the column of addresses
EMAIL_HEADERS = ("email", "email address", "e-mail")


@dataclass(frozen=True)
class EmailRow:
    #: the row's number as a spreadsheet or text editor shows it (the first line is 1)
    number: int
    email: str
    errors: tuple[str, ...] = ()
    #: the name of the account with this address, once looked up
    name: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class Account:
    """What the database says about an address (``with_accounts``)."""

    user_id: int
    name: str
    role: str
    active: bool
    #: the cohort they are in, if any: its id and name
    cohort_id: int | None
    cohort: str | None


def read_emails(text: str) -> list[EmailRow]:
    """The addresses in a file's text, each with the problems it shows alone, or
    ``CsvRefused`` for the file as a whole (empty, too big, unreadable, too many rows)."""
    refuse_if_too_big(len(text.encode("utf-8")))
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CsvRefused("The file is empty. Put one email address on each line.")
    refuse_hidden_characters(text)
    first_line = text.strip().splitlines()[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[EmailRow] = []
    column: int | None = None
    try:
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if not rows and column is None:
                header = [cell.strip().casefold() for cell in cells]
                named = [i for i, cell in enumerate(header) if cell in EMAIL_HEADERS]
                if named:
                    column = named[0]
                    continue
            rows.append(_row(number, cells, column))
            if len(rows) > COHORT_CSV_MAX_ROWS:
                raise CsvRefused(
                    f"The file has more than {COHORT_CSV_MAX_ROWS} addresses: add at most "
                    f"{COHORT_CSV_MAX_ROWS} at a time. Split it into smaller files."
                )
    except csv.Error as error:
        raise CsvRefused(
            f"Line {reader.line_num} of the file can't be read ({error}). Check its quotes, "
            "or save it from your spreadsheet again as CSV."
        ) from None
    if not rows:
        raise CsvRefused("The file has a header row but no addresses: add one on each line.")
    return _same_address_twice(rows)


def _row(number: int, cells: list[str], column: int | None) -> EmailRow:
    if column is None:  # one address a line
        filled = [cell.strip() for cell in cells if cell.strip()]
        if len(filled) > 1:
            return EmailRow(
                number,
                ", ".join(filled)[:200],
                ("This line holds more than one value. Put one address on each line, or add "
                 "a first row naming the “email” column.",),
            )  # fmt: skip
        email = filled[0].lower()
    else:
        email = cells[column].strip().lower() if column < len(cells) else ""
    return EmailRow(number, email, tuple(email_problems(email)))


def _same_address_twice(rows: list[EmailRow]) -> list[EmailRow]:
    """A row repeating an earlier row's address gets that as a problem (added once)."""
    first: dict[str, int] = {}
    checked = []
    for row in rows:
        if not row.errors and row.email in first:
            row = replace(
                row, errors=(f"The same address is on row {first[row.email]}: added once.",)
            )
        elif not row.errors:
            first[row.email] = row.number
        checked.append(row)
    return checked


def with_accounts(
    rows: list[EmailRow], accounts: Mapping[str, Account], cohort_id: int
) -> list[EmailRow]:
    """Each row with the name of its account and the problems the database shows:
    ``accounts`` by address (lower case), ``cohort_id`` the cohort they join."""

    def checked(row: EmailRow) -> EmailRow:
        account = accounts.get(row.email)
        if row.errors:  # e.g. the same address as an earlier row: still, whose it is
            return (
                row if account is None else replace(row, name=account.name, user_id=account.user_id)
            )
        if account is None:
            return replace(
                row,
                errors=("Nobody has an account with this address. Add the person first "
                        "(People › Add a person), or check the spelling.",),
            )  # fmt: skip
        row = replace(row, name=account.name, user_id=account.user_id)
        if account.role != "trainee":
            problem = f"{account.name} is not a trainee: only trainees join a cohort."
        elif not account.active:
            problem = f"{account.name}'s account is deactivated."
        elif account.cohort_id == cohort_id:
            problem = f"{account.name} is already in this cohort."
        elif account.cohort_id is not None:
            problem = (
                f"{account.name} is already in the cohort “{account.cohort}”: a trainee is in "
                "one cohort at a time."
            )
        else:
            return row
        return replace(row, errors=(problem,))

    return [checked(row) for row in rows]
