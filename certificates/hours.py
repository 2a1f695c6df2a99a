"""Supervision and supervised-practice hours: the rules an entry must meet, the warnings worth a
second look, and the arithmetic of totals. Durations are whole minutes throughout, so sums are
exact; hours appear only when shown to people.

Also the helpers every package shares for hours and dates: exact hours rounded to the quarter
hour (``quarter_hours_down``, ``quarter_hours_up``), and hours and dates in words
(``hours_word``, ``long_date``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from courses.domains import DOMAINS

STEP_MINUTES = 15
MAX_ENTRY_MINUTES = 12 * 60
MAX_DAY_MINUTES = 24 * 60

KINDS = {
    "individual_supervision": "Individual supervision",
    "group_supervision": "Group supervision",
    "supervised_practice": "Supervised practice",
}
SUPERVISION_KINDS = ("individual_supervision", "group_supervision")
PRACTICE = "supervised_practice"
GROUP = "group_supervision"
#: what counts as direct service, shown wherever a trainee says whether practice was
DIRECT_SERVICE_HINT = (
    "Direct service is one-to-one or group support of the peers you serve. Admin, training "
    "and travel are not direct service."
)
METHODS = {"in_person": "In person", "video": "Video", "phone": "Phone"}
STATUSES = {
    "draft": "Draft",
    "submitted": "Waiting for sign-off",
    "returned": "Returned for correction",
    "approved": "Approved",
}


@dataclass(frozen=True)
class EntryFacts:
    """What a trainee enters for one block of hours (before it is stored)."""

    day: date | None
    minutes: int
    kind: str
    method: str
    domains: tuple[str, ...]
    supervisor_id: int | None
    notes: str
    #: supervised practice only: was it direct service with the people supported?
    direct_service: bool = False


@dataclass(frozen=True)
class OtherEntry:
    """Another of the same trainee's entries, as far as the rules need it."""

    day: date
    minutes: int
    kind: str


def validate_entry(
    facts: EntryFacts,
    *,
    today: date,
    max_age_days: int,
    assigned_supervisors: Iterable[int],
    others: Iterable[OtherEntry],
) -> dict[str, str]:
    """The rules an entry must meet: field name -> a plain message. Empty when all is well."""
    errors: dict[str, str] = {}
    if facts.day is None:
        errors["day"] = "Enter the date the hours took place."
    elif facts.day > today:
        errors["day"] = "The date can't be in the future."
    elif facts.day < today - timedelta(days=max_age_days):
        errors["day"] = (
            f"Hours older than {max_age_days} days can't be logged here. "
            "Please talk to your program lead."
        )
    if facts.minutes <= 0:
        errors["duration"] = "Enter how long it lasted: at least 15 minutes."
    elif facts.minutes % STEP_MINUTES:
        errors["duration"] = "Use steps of 15 minutes."
    elif facts.minutes > MAX_ENTRY_MINUTES:
        errors["duration"] = "One entry can be 12 hours at most. Split longer days into entries."
    elif facts.day is not None and "day" not in errors:
        same_day = sum(o.minutes for o in others if o.day == facts.day)
        if same_day + facts.minutes > MAX_DAY_MINUTES:
            left = max(0, MAX_DAY_MINUTES - same_day)
            errors["duration"] = (
                f"That would make more than 24 hours on {facts.day:%d %B %Y}. "
                f"You have {format_minutes(left)} left on that day."
            )
    if facts.kind not in KINDS:
        errors["kind"] = "Choose what kind of hours these are."
    elif facts.direct_service and facts.kind != PRACTICE:
        errors["direct_service"] = (
            "Only supervised practice can be direct service. Answer “No”, or choose "
            "supervised practice as the kind."
        )
    if facts.method not in METHODS:
        errors["method"] = "Choose how it took place."
    if not facts.domains:
        errors["domains"] = "Choose at least one competency domain."
    elif not set(facts.domains) <= set(DOMAINS):
        errors["domains"] = "Choose domains from the list."
    if facts.supervisor_id is None or facts.supervisor_id not in set(assigned_supervisors):
        errors["supervisor"] = "Choose one of your assigned supervisors."
    if not facts.notes.strip():
        errors["notes"] = "Describe briefly what was discussed or done."
    return errors


# People served are named by initials or a code; these patterns catch the usual slips.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+?\d[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
_BIRTH = re.compile(
    r"\b(?:dob|d\.o\.b\.?|date of birth|born on|birthday)\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b",
    re.IGNORECASE,
)


def identifying_data_warnings(notes: str) -> list[str]:
    """Warnings when notes seem to hold identifying data about a person served."""
    warnings = []
    if _EMAIL.search(notes):
        warnings.append("The notes seem to contain an email address.")
    if _PHONE.search(notes):
        warnings.append("The notes seem to contain a phone number.")
    if _BIRTH.search(notes):
        warnings.append("The notes seem to contain a date of birth.")
    return warnings


def duplicate_warning(facts: EntryFacts, others: Iterable[OtherEntry]) -> str | None:
    """A gentle question when another entry has the same date, kind and duration."""
    for other in others:
        if (other.day, other.kind, other.minutes) == (facts.day, facts.kind, facts.minutes):
            return (
                "You already have an entry with the same date, kind and duration. "
                "Is this a different session?"
            )
    return None


# --- exact hours, in quarter hours ------------------------------------------------------------

QUARTER_HOUR = Fraction(1, 4)

Number = int | float | Decimal | Fraction


def exact(value: Number) -> Fraction:
    """A number as an exact fraction. A float is read as it is written (0.1 is 1/10, not the
    binary number nearest to it), so hours typed or read from a file mean what they say."""
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(value)


def quarter_hours_down(hours: Number) -> Fraction:
    """Hours rounded down to the quarter hour, exactly: 1.3 -> 5/4."""
    return math.floor(exact(hours) / QUARTER_HOUR) * QUARTER_HOUR


def quarter_hours_up(hours: Number) -> Fraction:
    """Hours rounded up to the quarter hour, exactly: 1.3 -> 3/2."""
    return math.ceil(exact(hours) / QUARTER_HOUR) * QUARTER_HOUR


def hours_word(value: Number) -> str:
    """Hours in words, to the hundredth (sums of quarter hours never print 9.999): 6 -> "6
    hours", 1 -> "1 hour", 1.5 -> "1.5 hours"."""
    rounded = round(float(value), 2)
    return f"{rounded:g} hour{'' if rounded == 1 else 's'}"


def long_date(day: date | str) -> str:
    """A date, a datetime or "2026-06-01" -> 1 June 2026 (no leading zero)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}"


def format_minutes(minutes: int | Fraction) -> str:
    """Minutes as hours for people: 90 -> '1 h 30 min', 60 -> '1 h', 45 -> '45 min'."""
    whole = int(minutes)
    hours, rest = divmod(whole, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def hours_number(minutes: int | Fraction) -> float:
    """Minutes as decimal hours, a number (for exports): 90 -> 1.5, 600 -> 10.0, 7.5 -> 0.13."""
    return round(float(Fraction(minutes) / 60), 2)


def as_hours(minutes: int | Fraction) -> str:
    """Minutes as decimal hours: 90 -> '1.5', 600 -> '10', 7.5 -> '0.13'."""
    return f"{hours_number(minutes):g}"


@dataclass(frozen=True)
class Logged:
    """One stored entry, as far as totals need it."""

    minutes: int
    kind: str
    status: str
    domains: tuple[str, ...]
    direct_service: bool = False


@dataclass
class Totals:
    """Minutes by kind, by status, and by domain (approved only, shared equally between the
    domains an entry covers, so one session is never counted twice); and the supervised
    practice that was direct service."""

    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    approved_by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    approved_supervision_by_domain: dict[str, Fraction] = field(
        default_factory=lambda: dict.fromkeys(DOMAINS, Fraction(0))
    )
    approved_practice_by_domain: dict[str, Fraction] = field(
        default_factory=lambda: dict.fromkeys(DOMAINS, Fraction(0))
    )
    #: the group-supervision share of ``approved_supervision_by_domain``
    approved_group_supervision_by_domain: dict[str, Fraction] = field(
        default_factory=lambda: dict.fromkeys(DOMAINS, Fraction(0))
    )
    #: supervised practice in direct service: all entries, and approved ones
    direct_practice: int = 0
    approved_direct_practice: int = 0

    @property
    def approved_supervision(self) -> int:
        return sum(self.approved_by_kind[k] for k in SUPERVISION_KINDS)

    @property
    def approved_group_supervision(self) -> int:
        return self.approved_by_kind[GROUP]

    @property
    def approved_practice(self) -> int:
        return self.approved_by_kind[PRACTICE]


def totals(entries: Iterable[Logged]) -> Totals:
    """Add up a trainee's entries."""
    result = Totals()
    for entry in entries:
        direct = entry.direct_service and entry.kind == PRACTICE
        result.by_kind[entry.kind] += entry.minutes
        result.by_status[entry.status] += entry.minutes
        result.direct_practice += entry.minutes if direct else 0
        if entry.status != "approved":
            continue
        result.approved_by_kind[entry.kind] += entry.minutes
        result.approved_direct_practice += entry.minutes if direct else 0
        by_domain = (
            result.approved_supervision_by_domain
            if entry.kind in SUPERVISION_KINDS
            else result.approved_practice_by_domain
        )
        known = [d for d in entry.domains if d in DOMAINS]
        for domain in known:
            share = Fraction(entry.minutes, len(known))
            by_domain[domain] += share
            if entry.kind == GROUP:
                result.approved_group_supervision_by_domain[domain] += share
    return result


@dataclass(frozen=True)
class HoursRules:
    """The hours a certification track asks for (see certificates.tracks)."""

    practice_minutes: int = 0
    supervision_minutes: int = 0
    supervision_by_domain: dict[str, int] = field(default_factory=dict)
