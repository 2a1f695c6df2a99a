"""Training taken elsewhere and continuing education: which approved hours count.

- **Outside training** counts toward a track's training hours up to the track's allowance
  (``[training] outside_max_hours``): ``counted_outside`` takes the approved records in date
  order (then by id, so the answer never depends on the order they are given in) until the
  allowance is used up. The record that crosses it counts in part: what is left of the allowance
  is shared across its domains in proportion, in whole quarter hours by the largest-remainder
  method (each domain its share rounded down, then the quarters left over one each to the
  domains with the largest remainders), so the allowance is used to the last quarter hour and no
  domain counts more than the record holds; later records count nothing. A course counts once:
  a copy of an earlier record (the same ``course_key`` on the same day: a double click, or one
  certificate sent and approved twice) counts nothing.
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
from courses.domains import DOMAINS

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
    ``cap_hours`` in all, each course once. Domains that count nothing are left out."""
    remaining = quarters(cap_hours)
    counted: dict[str, int] = {}
    seen: set[tuple[tuple[str, str], date]] = set()
    for record in in_order(records):
        if remaining <= 0:
            break
        if (course_key(record), record.day) in seen:  # a copy of a record counted already
            continue
        seen.add((course_key(record), record.day))
        by_domain = {d: quarters(h) for d, h in record.hours.items() if quarters(h) > 0}
        total = sum(by_domain.values())
        share = by_domain if total <= remaining else shared(by_domain, remaining)
        for domain, q in share.items():
            if q:
                counted[domain] = counted.get(domain, 0) + q
        remaining -= min(total, remaining)
    return {domain: _hours(q) for domain, q in counted.items()}


def shared(by_domain: Mapping[str, int], available: int) -> dict[str, int]:
    """``available`` quarter hours (at most the record's) shared across a record's domains in
    proportion to its quarter hours there, by the largest-remainder method: each domain's share
    rounded down, then the quarters left over one each to the domains whose shares lost the
    most (equal remainders in the order of ``DOMAINS``). Adds up to ``available`` exactly, and
    never gives a domain more than the record holds in it (a share below a domain's hours
    rounds up to them at most)."""
    whole = sum(by_domain.values())
    if whole <= available:
        return dict(by_domain)
    share = {d: q * available // whole for d, q in by_domain.items()}
    left_over = available - sum(share.values())  # fewer than the domains: each lost < 1
    order = {domain: n for n, domain in enumerate(DOMAINS)}
    by_remainder = sorted(
        by_domain,
        key=lambda d: (-(by_domain[d] * available % whole), order.get(d, len(order)), d),
    )
    for domain in by_remainder[:left_over]:
        share[domain] += 1
    return share


def course_key(record: OutsideTraining) -> tuple[str, str]:
    """What makes two records the same course: provider and title, compared without regard
    to case or spaces ("Ethics  in Practice" and "ethics in practice" are one course)."""
    return course_key_of(record.provider, record.title)


def course_key_of(provider: str, title: str) -> tuple[str, str]:
    """``course_key`` of a provider and a title."""

    def squeezed(text: str) -> str:
        return "".join(text.casefold().split())

    return squeezed(provider), squeezed(title)


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
