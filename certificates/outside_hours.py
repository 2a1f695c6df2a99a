"""Training taken elsewhere and continuing education: which approved hours count.

- **Outside training** counts toward a track's training hours up to the track's allowance
  (``[training] outside_max_hours``): ``counted_outside`` takes the approved records in date
  order (then by id, so the answer never depends on the order they are given in) until the
  allowance is used up. The record that crosses it counts in part, its hours shared across its
  domains in proportion and rounded down to quarter hours; later records count nothing.
- **Continuing education** renews a certificate: ``ce_counted`` keeps the CE records dated
  within the certificate's validity, each course once (a repeat of the same provider's same
  course, however its words are spaced or capitalised, does not count again), and ``ce_hours``
  adds their hours up by domain.

Hours are whole quarter hours (a record holds at least 0.25 and at most ``MAX_RECORD_HOURS``);
the arithmetic is done in quarters, so no float rounding can push a total past the allowance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from certificates.rulebook import OutsideTraining

#: the least and the most hours one record may hold, and the step they go in
MIN_RECORD_HOURS = 0.25
MAX_RECORD_HOURS = 40.0
QUARTERS_PER_HOUR = 4

KINDS = {"outside": "Outside training", "ce": "Continuing education"}


def quarters(hours: float) -> int:
    """Whole quarter hours in ``hours``, rounded down (a hair under a quarter from float
    arithmetic still counts as that quarter)."""
    return max(0, math.floor(hours * QUARTERS_PER_HOUR + 1e-9))


def _hours(quarter_count: int) -> float:
    return quarter_count / QUARTERS_PER_HOUR


def in_order(records: Iterable[OutsideTraining]) -> list[OutsideTraining]:
    """Oldest first; records of one day by id (the order they were recorded in)."""
    return sorted(records, key=lambda r: (r.day, r.id))


def counted_outside(records: Sequence[OutsideTraining], cap_hours: float) -> dict[str, float]:
    """The hours by domain of approved outside training that count toward training, at most
    ``cap_hours`` in all. Domains that count nothing are left out."""
    remaining = quarters(cap_hours)
    counted: dict[str, int] = {}
    for record in in_order(records):
        if remaining <= 0:
            break
        by_domain = {d: quarters(h) for d, h in record.hours.items() if quarters(h) > 0}
        total = sum(by_domain.values())
        if total <= remaining:
            share = by_domain
        else:  # the record that crosses the cap: its part, in proportion, rounded down
            share = {d: q * remaining // total for d, q in by_domain.items()}
        for domain, q in share.items():
            if q:
                counted[domain] = counted.get(domain, 0) + q
        remaining -= min(total, remaining)
    return {domain: _hours(q) for domain, q in counted.items()}


def course_key(record: OutsideTraining) -> tuple[str, str]:
    """What makes two records the same course: provider and title, compared without regard
    to case or spaces ("Ethics  in Practice" and "ethics in practice" are one course)."""

    def squeezed(text: str) -> str:
        return "".join(text.casefold().split())

    return squeezed(record.provider), squeezed(record.title)


def ce_counted(records: Sequence[OutsideTraining], start: date, end: date) -> list[OutsideTraining]:
    """The continuing-education records that count for a validity period: kind "ce", dated
    from ``start`` to ``end`` (both included), each course once (the earliest counts), oldest
    first."""
    seen: set[tuple[str, str]] = set()
    counted = []
    for record in in_order(records):
        if record.kind != "ce" or not start <= record.day <= end:
            continue
        key = course_key(record)
        if key in seen:
            continue
        seen.add(key)
        counted.append(record)
    return counted


def ce_hours(records: Iterable[OutsideTraining]) -> dict[str, float]:
    """The records' hours added up by domain (give it ``ce_counted``'s records)."""
    summed: dict[str, int] = {}
    for record in records:
        for domain, hours in record.hours.items():
            summed[domain] = summed.get(domain, 0) + quarters(hours)
    return {domain: _hours(q) for domain, q in summed.items() if q}


def total(hours: Mapping[str, float]) -> float:
    return _hours(sum(quarters(h) for h in hours.values()))


def hours_problem(hours: Mapping[str, float]) -> str | None:
    """What is wrong with one record's hours by domain, in words, or None: each in quarter
    hours, none negative, at least ``MIN_RECORD_HOURS`` and at most ``MAX_RECORD_HOURS`` in
    all."""
    for value in hours.values():
        problem = value_problem(value)
        if problem:
            return problem
    summed = sum(hours.values())
    if summed < MIN_RECORD_HOURS:
        return "Enter the hours in at least one domain (a quarter hour at least)."
    if summed > MAX_RECORD_HOURS + 1e-9:
        return (
            f"One record can hold at most {MAX_RECORD_HOURS:g} hours; this one has {summed:g}. "
            "Record a longer course as one record per certificate or part."
        )
    return None


def value_problem(value: float) -> str | None:
    """What is wrong with the hours in one domain, or None."""
    if not math.isfinite(value) or value < 0:
        return "Hours can't be negative."
    if abs(value * QUARTERS_PER_HOUR - round(value * QUARTERS_PER_HOUR)) > 1e-9:
        return "Please give hours in quarter hours, e.g. 1.25 or 2.5."
    return None
