"""Dates, times and durations as people read them: "1 June 2026", never "01 June 2026";
"14:05 UTC on 1 June 2026"; "1 hour 40 minutes"."""

from __future__ import annotations

from datetime import UTC, datetime

from certificates.hours import long_date


def long_time(moment: datetime) -> str:
    """A moment, in UTC as the site shows every time -> 14:05 UTC on 1 June 2026."""
    moment = moment.astimezone(UTC)
    return f"{moment:%H:%M} UTC on {long_date(moment)}"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def duration(minutes: int) -> str:
    """An exact span of minutes in words: 1440 -> "1 day", 100 -> "1 hour 40 minutes",
    45 -> "45 minutes"."""
    days, rest = divmod(max(0, int(minutes)), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
    words = [_count(n, unit) for n, unit in parts if n]
    return " ".join(words) if words else "0 minutes"


def about_minutes(minutes: int) -> str:
    """An estimate of time, rounded as people say it: 7 -> "about 7 minutes", 100 -> "about 1
    hour 40 minutes", 187 -> "about 3 hours 5 minutes" (to 5 minutes from an hour up), never
    less than a minute, and always in hours and minutes (a course is never "about 1 day")."""
    minutes = max(1, int(minutes))
    if minutes >= 60:
        minutes = 5 * round(minutes / 5)
    hours, mins = divmod(minutes, 60)
    words = [_count(n, unit) for n, unit in ((hours, "hour"), (mins, "minute")) if n]
    return "about " + " ".join(words)
