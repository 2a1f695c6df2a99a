"""A CSV file of people to invite, read and checked: a pure function of its text.

``read_people`` checks the file alone (its size, its encoding, the header row, each row's name,
address and role, an address on two rows); ``with_database_problems`` adds what the database
knows (addresses that already have an account, cohorts by name), given as plain values. The
file as a whole is refused with ``CsvRefused``, a message for the lead; a row's problems are
listed on it, so the preview shows every row with what would happen to it.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from training import limits
from training.accounts import EmailTaken, is_email_address
from training.input_checks import is_one_line
from training.models import Cohort, Role
from training.uploads.services import size_in_mb

#: the largest CSV file of people a lead may upload, and the most people in it
PEOPLE_CSV_MAX_BYTES = 1024 * 1024
PEOPLE_CSV_MAX_ROWS = 500
#: the longest signed preview the confirmation takes back (``training.lead.people_import``):
#: the file's digest and the numbers of up to PEOPLE_CSV_MAX_ROWS rows fit with room to spare
PREVIEW_TOKEN_MAX_CHARS = 12_000
#: the problem of a row the preview showed with problems that has none now (its cohort was
#: made since, say): only what the lead saw as "will be invited" is created
NOT_PREVIEWED = (
    "When you checked the file this row had a problem, so it was left out. Upload the file "
    "again to invite this person."
)
REQUIRED_COLUMNS = ("name", "email", "role")
OPTIONAL_COLUMNS = ("credential", "cohort")


class CsvRefused(ValueError):
    """The file as a whole cannot be used (too big, not UTF-8, no header…): a plain message."""


@dataclass(frozen=True)
class PersonRow:
    #: the row's number as a spreadsheet shows it (the header is row 1)
    number: int
    name: str
    email: str
    role: str
    credential: str
    cohort: str
    errors: tuple[str, ...] = ()

    @property
    def role_value(self) -> str | None:
        """The role typed ("Supervisor", "program lead") as a ``Role`` value, if it is one."""
        typed = self.role.casefold()
        return next((r.value for r in Role if typed in (r.value, r.label.casefold())), None)


@dataclass(frozen=True)
class PeopleFile:
    rows: list[PersonRow]
    #: columns of the file that are not used (a "phone" column, say)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def good(self) -> list[PersonRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def refused(self) -> list[PersonRow]:
        return [row for row in self.rows if row.errors]


def decode_csv(data: bytes) -> str:
    """An uploaded file's text (UTF-8, with or without a byte order mark), or ``CsvRefused``."""
    refuse_if_too_big(len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvRefused(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” (or “CSV, "
            "Unicode”) and upload that file."
        ) from None


def refuse_if_too_big(size: int) -> None:
    if size > PEOPLE_CSV_MAX_BYTES:
        raise CsvRefused(
            f"The file is {size_in_mb(size)} MB; it can be at most "
            f"{size_in_mb(PEOPLE_CSV_MAX_BYTES)} MB. Split it into smaller files."
        )


def read_people(text: str) -> PeopleFile:
    """The people in a CSV text, each row with the problems it shows alone (the checks that
    need the database are ``preview``'s), or ``CsvRefused`` for the file as a whole. Pure."""
    refuse_if_too_big(len(text.encode("utf-8")))
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CsvRefused("The file is empty. Add a header row and a row for each person.")
    refuse_hidden_characters(text)
    first_line = text.splitlines()[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().casefold() for cell in next(reader)]
        columns = _columns(header)
        rows = []
        for number, cells in enumerate(reader, 2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            rows.append(_row(number, cells, columns, len(header)))
            if len(rows) > PEOPLE_CSV_MAX_ROWS:
                raise CsvRefused(
                    f"The file has more than {PEOPLE_CSV_MAX_ROWS} people: invite at most "
                    f"{PEOPLE_CSV_MAX_ROWS} at a time. Split it into smaller files."
                )
    except csv.Error as error:
        raise CsvRefused(
            f"Line {reader.line_num} of the file can't be read as CSV ({error}). Check its "
            "quotes, or save the file from your spreadsheet again as CSV."
        ) from None
    if not rows:
        raise CsvRefused("The file has a header row but nobody in it: add a row for each person.")
    ignored = [name for name in header if name and name not in columns]
    return PeopleFile(_same_address_twice(rows), ignored)


def refuse_hidden_characters(text: str) -> None:
    """A control character (other than a tab or a line break) or a line separator: the file is
    refused, as no form can carry it back for the confirmation."""
    for number, line in enumerate(text.split("\n"), 1):
        if not is_one_line(line.replace("\t", "").removesuffix("\r")):
            raise CsvRefused(
                f"Line {number} of the file holds a hidden control character (such as a NUL "
                "byte or a line separator). Remove it and upload the file again."
            )


def _columns(header: list[str]) -> dict[str, int]:
    """Where each column we use is in the header row, or ``CsvRefused``."""
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    doubled = sorted({name for name in header if name in known and header.count(name) > 1})
    if doubled:
        raise CsvRefused(f"The header row names the column “{doubled[0]}” twice. Keep one.")
    columns = {name: header.index(name) for name in known if name in header}
    if missing := [name for name in REQUIRED_COLUMNS if name not in columns]:
        raise CsvRefused(
            "The first row must name the columns: name, email and role (and, if you like, "
            f"credential and cohort). This file's first row has no {', '.join(missing)}."
        )
    return columns


def _row(number: int, cells: list[str], columns: dict[str, int], width: int) -> PersonRow:
    def cell(name: str) -> str:
        at = columns.get(name)
        return cells[at].strip() if at is not None and at < len(cells) else ""

    row = PersonRow(
        number,
        cell("name"),
        cell("email").lower(),
        cell("role"),
        cell("credential"),
        cell("cohort"),
    )
    errors = [*_name_problems(row.name), *email_problems(row.email), *_role_problems(row)]
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        errors.append(
            "This row has more cells than the header row has columns: put a name or "
            "credential that holds a comma in double quotes."
        )
    return replace(row, errors=tuple(errors))


def _name_problems(name: str) -> list[str]:
    if not name:
        return ["Enter the person's name."]
    if not is_one_line(name):
        return ["The name must be on one line, without line breaks or hidden characters."]
    if len(name) > limits.NAME:
        return [f"The name is longer than {limits.NAME} characters."]
    return []


def email_problems(email: str) -> list[str]:
    if not email:
        return ["Enter an email address."]
    if len(email) > limits.EMAIL:
        return [f"The email address is longer than {limits.EMAIL} characters."]
    if not is_one_line(email) or not is_email_address(email):
        return ["This is not an email address like name@example.org."]
    return []


def _role_problems(row: PersonRow) -> list[str]:
    problems = []
    if not row.role:
        problems.append("Enter a role: trainee, supervisor or lead.")
    elif row.role_value is None:
        problems.append(f"Unknown role “{row.role}”: use trainee, supervisor or lead.")
    if not is_one_line(row.credential):
        problems.append("The credential must be on one line, without line breaks.")
    elif len(row.credential) > limits.CREDENTIAL:
        problems.append(f"The credential is longer than {limits.CREDENTIAL} characters.")
    if row.cohort and row.role_value not in (None, Role.TRAINEE):
        problems.append("Only trainees join a cohort: leave the cohort empty for this role.")
    return problems


def _same_address_twice(rows: list[PersonRow]) -> list[PersonRow]:
    """Each row whose address is on another row too gets that as a problem (none is created)."""
    numbers: defaultdict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.email:
            numbers[row.email].append(row.number)
    return [
        replace(row, errors=(*row.errors, f"The same address is on rows {_listed(found)}."))
        if len(found := numbers.get(row.email, [])) > 1
        else row
        for row in rows
    ]


def _listed(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def with_database_problems(
    people: PeopleFile, taken: set[str], cohorts: dict[str, Cohort]
) -> PeopleFile:
    """Each row's problems plus those of the database: its address already has an account
    (``taken``), its cohort is none of ``cohorts`` (by name, in any case). Pure."""

    def problems(row: PersonRow) -> tuple[str, ...]:
        found = list(row.errors)
        if row.email in taken:
            found.append(str(EmailTaken(row.email)))
        if row.cohort and row.cohort.casefold() not in cohorts:
            found.append(f"There is no cohort named “{row.cohort}”.")
        return tuple(found)

    return replace(people, rows=[replace(row, errors=problems(row)) for row in people.rows])


def fingerprint(text: str) -> str:
    """The SHA-256 of a CSV text, line breaks made alike: a browser sends the preview's hidden
    copy back with CRLF line breaks, whatever the file had. Pure."""
    alike = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(alike.encode("utf-8")).hexdigest()


def only_previewed(people: PeopleFile, previewed: Collection[int]) -> PeopleFile:
    """``people`` with each row that has no problem now but was not among the ``previewed``
    row numbers (shown as "will be invited") refused with ``NOT_PREVIEWED``. Pure."""
    return replace(
        people,
        rows=[
            row if row.errors or row.number in previewed else replace(row, errors=(NOT_PREVIEWED,))
            for row in people.rows
        ],
    )
