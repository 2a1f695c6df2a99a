"""Live training events (classes, workshops): the rules an event's facts must meet, the rules of
one trainee's attendance, and the training hours an attendance gives, by domain.

Hours are kept as exact fractions while they are worked out (``fractions.Fraction``) and handed
out as floats, in quarter hours. An event lasts as long as its hours add up to: an event of
3 hours by domain lasts 180 minutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from certificates.hours import QUARTER_HOUR as QUARTER
from certificates.hours import Number, exact, quarter_hours_down
from courses.domains import DOMAINS

STEP_MINUTES = 15
MIN_EVENT_HOURS = QUARTER
MAX_EVENT_HOURS = 12

PRESENT = "present"
PARTIAL = "partial"
ABSENT = "absent"
#: what the lead chooses for each trainee, in words a person reads
STATUSES = {
    PRESENT: "Attended in full",
    PARTIAL: "Attended part",
    ABSENT: "Did not attend",
}


def is_quarter_hours(value: Number) -> bool:
    return (exact(value) / QUARTER).denominator == 1


def total_hours(hours: Mapping[str, Number]) -> Fraction:
    return sum((exact(h) for h in hours.values()), Fraction(0))


def event_minutes(hours: Mapping[str, Number]) -> int:
    """How long an event lasts: its hours by domain together, in minutes (rounded down to the
    minute, which quarter hours never need)."""
    return math.floor(total_hours(hours) * 60)


@dataclass(frozen=True)
class EventFacts:
    """What a lead enters for one event (before it is stored)."""

    title: str
    day: date | None
    facilitator: str
    #: domain id -> hours (blank domains left out, or given as 0)
    hours: Mapping[str, Number] = field(default_factory=dict)


def validate_event(facts: EventFacts) -> dict[str, str]:
    """The rules an event must meet: field name -> a plain message, empty when all is well.
    A domain's problem is under ``hours_<domain>``; a problem with the total under ``hours``."""
    errors: dict[str, str] = {}
    if not facts.title.strip():
        errors["title"] = "Give the event a title."
    if facts.day is None:
        errors["day"] = "Enter the date of the event."
    if not facts.facilitator.strip():
        errors["facilitator"] = "Enter who leads the event."
    for domain, value in facts.hours.items():
        if domain not in DOMAINS:
            errors["hours"] = f"Choose domains from the list ({domain} is not one)."
        elif exact(value) < 0:
            errors[f"hours_{domain}"] = "Hours can't be negative."
        elif not is_quarter_hours(value):
            errors[f"hours_{domain}"] = "Use quarter hours: for example 1, 1.25, 1.5 or 1.75."
    if any(key.startswith("hours") for key in errors):
        return errors
    total = total_hours(facts.hours)
    if total < MIN_EVENT_HOURS:
        errors["hours"] = (
            "Enter the hours the event gives in at least one domain (15 minutes or more)."
        )
    elif total > MAX_EVENT_HOURS:
        errors["hours"] = (
            f"One event can give {MAX_EVENT_HOURS} hours at most; these add up to "
            f"{float(total):g}. Schedule a longer course as several events."
        )
    return errors


def validate_attendance(status: str, minutes: int | None, length_minutes: int) -> dict[str, str]:
    """The rules of one trainee's attendance at an event lasting ``length_minutes``: field name
    (``status`` or ``minutes``) -> a plain message. Minutes count only for a partial one."""
    if status not in STATUSES:
        return {"status": "Choose whether they attended in full, in part, or not at all."}
    if status != PARTIAL:
        return {}
    if minutes is None:
        return {"minutes": "Enter how many minutes they attended."}
    if minutes <= 0:
        return {"minutes": "Enter the minutes they attended: 15 or more."}
    if minutes % STEP_MINUTES:
        return {"minutes": "Use steps of 15 minutes."}
    if minutes >= length_minutes:
        return {
            "minutes": f"The event lasts {length_minutes} minutes: for the whole event choose "
            f"“{STATUSES[PRESENT]}”."
        }
    return {}


def minutes_attended(status: str, minutes: int | None, length_minutes: int) -> int:
    if status == PRESENT:
        return length_minutes
    if status == PARTIAL:
        return min(minutes or 0, length_minutes)
    return 0


def hours_attended(
    status: str, minutes: int | None, event_hours: Mapping[str, Number]
) -> dict[str, float]:
    """The training hours an attendance gives, by domain.

    Present: the event's hours. Absent: none. Partial: each domain's hours in proportion to the
    minutes attended (minutes / the event's length), rounded DOWN to the quarter hour in each
    domain on its own, so an attendance never gives more than the time attended (nor more than
    attending in full). Domains that give nothing are left out.
    """
    length = event_minutes(event_hours)
    attended = minutes_attended(status, minutes, length)
    if attended <= 0 or length <= 0:
        return {}
    share = Fraction(attended, length)
    given: dict[str, float] = {}
    for domain, value in event_hours.items():
        hours = exact(value)
        if share < 1:
            hours = quarter_hours_down(hours * share)
        if hours > 0:
            given[domain] = float(hours)
    return given


def add_hours(many: Iterable[Mapping[str, Number]]) -> dict[str, float]:
    """Hours by domain added up (exactly), in the order of ``DOMAINS``; empty domains left out."""
    sums: dict[str, Fraction] = {}
    for hours in many:
        for domain, value in hours.items():
            sums[domain] = sums.get(domain, Fraction(0)) + exact(value)
    ordered = [d for d in DOMAINS if d in sums] + sorted(set(sums) - set(DOMAINS))
    return {d: float(sums[d]) for d in ordered if sums[d]}
