"""Dates as people read them: "1 June 2026", never "01 June 2026"."""

from __future__ import annotations

from datetime import date


def long_date(day: date | str) -> str:
    """A date, a datetime or "2026-06-01" -> 1 June 2026."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}"
