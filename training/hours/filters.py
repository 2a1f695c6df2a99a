"""Which of a trainee's entries a page shows: a period (from, to) and a status, read from the
query string. A date that is not a date, or a period that ends before it starts, gets a message
next to its box, keeps what was typed, and is left out: the list is then not filtered by it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import request

from certificates.hours import long_date
from training.hours.forms import EntriesFilterForm, PeriodForm
from training.models import HoursEntry

ENDS_BEFORE_START = "The end date is before the start date, so the dates were left out."


def period_in_words(start: date | None, end: date | None) -> str:
    """A period in words: "1 March 2026 to 31 March 2026", "from 1 March 2026", "up to
    31 March 2026", or "" when it has neither a start nor an end."""
    if start and end:
        return f"{long_date(start)} to {long_date(end)}"
    if start:
        return f"from {long_date(start)}"
    if end:
        return f"up to {long_date(end)}"
    return ""


@dataclass(frozen=True)
class EntryFilter:
    """What to show: entries on or after ``start``, on or before ``end``, with ``status``
    (each optional)."""

    start: date | None = None
    end: date | None = None
    status: str = ""

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.status)

    @property
    def period_args(self) -> dict[str, str]:
        """The period as query arguments, for links to the exports of the same period."""
        args = {"from": self.start.isoformat() if self.start else ""}
        args["to"] = self.end.isoformat() if self.end else ""
        return {name: value for name, value in args.items() if value}

    @property
    def period_text(self) -> str:
        """The period in words: "from 1 March 2026 to 31 March 2026", "" for all dates."""
        words = period_in_words(self.start, self.end)
        return f"from {words}" if self.start and self.end else words

    def keeps(self, entry: HoursEntry) -> bool:
        return (
            (self.start is None or entry.day >= self.start)
            and (self.end is None or entry.day <= self.end)
            and (not self.status or entry.status == self.status)
        )

    def apply(self, entries: Iterable[HoursEntry]) -> list[HoursEntry]:
        return [e for e in entries if self.keeps(e)]


def read_filter(
    form_class: type[PeriodForm] = EntriesFilterForm,
) -> tuple[PeriodForm, EntryFilter]:
    """The filter form as typed (with a message next to each box it could not use) and the
    filter it stands for (only what could be used)."""
    form = form_class(request.args)
    form.validate()
    start = None if form.start.errors else form.start.data
    end = None if form.end.errors else form.end.data
    if start and end and end < start:
        form.end.errors = [*form.end.errors, ENDS_BEFORE_START]
        start = end = None
    status = getattr(form, "status", None)
    chosen = status.data if status is not None and not status.errors else ""
    return form, EntryFilter(start, end, chosen or "")
