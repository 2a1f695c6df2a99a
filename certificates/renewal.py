"""What renewing a certificate needs: the track's renewal courses completed again, its
attestations signed again (if the track says so), and continuing education (CE): approved CE
hours dated within the certificate's validity, in all and per domain, each course counted once.

Also the reminder a holder sees before their certificate expires, with their CE so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from certificates.eligibility import Checklist, Item, _course_items
from certificates.hours import long_date
from certificates.outside_hours import ce_counted, ce_hours
from certificates.rulebook import OutsideTraining
from certificates.tracks import Track
from courses.domains import domain_name


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


@dataclass(frozen=True)
class DomainProgress:
    domain: str
    have: float
    need: float

    @property
    def met(self) -> bool:
        return round(self.have, 2) >= self.need


@dataclass(frozen=True)
class CeProgress:
    """Continuing-education hours counted toward renewal, against what the track asks."""

    have: float
    need: float
    by_domain: tuple[DomainProgress, ...] = ()

    @property
    def asked(self) -> bool:
        return self.need > 0 or bool(self.by_domain)

    @property
    def met(self) -> bool:
        return round(self.have, 2) >= self.need and all(d.met for d in self.by_domain)

    @property
    def progress_text(self) -> str:
        """E.g. "8 of 20 continuing-education hours (2 of 6 in Ethical Responsibility)"."""
        domains = ", ".join(
            f"{_number(d.have)} of {_number(d.need)} in {domain_name(d.domain)}"
            for d in self.by_domain
        )
        return f"{_number(self.have)} of {_number(self.need)} continuing-education hours" + (
            f" ({domains})" if domains else ""
        )

    @property
    def sentence(self) -> str:
        """E.g. "You have 8 of 20 continuing-education hours (2 of 6 in Ethical
        Responsibility).", or nothing when the track asks for no CE."""
        return f"You have {self.progress_text}." if self.asked else ""


def ce_progress(
    track: Track, ce_records: Sequence[OutsideTraining], issued_on: date, expires_on: date
) -> CeProgress:
    """The CE hours that count toward renewing a certificate valid from ``issued_on`` to
    ``expires_on``: approved CE records dated in that period, each course once."""
    rule = track.renewal.continuing_education
    hours = ce_hours(ce_counted(ce_records, issued_on, expires_on))
    return CeProgress(
        have=round(sum(hours.values()), 2),
        need=rule.hours,
        by_domain=tuple(
            DomainProgress(domain, round(hours.get(domain, 0.0), 2), need)
            for domain, need in rule.by_domain.items()
        ),
    )


def _ce_items(progress: CeProgress) -> list[Item]:
    items = []
    if progress.need:
        met = round(progress.have, 2) >= progress.need
        missing = f"{_number(progress.need - progress.have)} more continuing-education hours"
        items.append(
            Item(
                f"{_number(progress.need)} hours of continuing education since your certificate "
                "was issued",
                met,
                "" if met else missing + " (approved by your program lead)",
            )
        )
    for domain in progress.by_domain:
        name = domain_name(domain.domain)
        items.append(
            Item(
                f"{_number(domain.need)} of them in {name}",
                domain.met,
                ""
                if domain.met
                else f"{_number(domain.need - domain.have)} more continuing-education hours "
                f"in {name}",
            )
        )
    return items


def renewal_checklist(
    track: Track,
    completed_since_issue: frozenset[str],
    titles: Mapping[str, str],
    signed_since_issue: frozenset[str],
    ce_records: Sequence[OutsideTraining],
    issued_on: date,
    expires_on: date,
) -> Checklist:
    """Every renewal requirement of ``track`` for a certificate valid from ``issued_on`` to
    ``expires_on``: the renewal courses completed again since the issue, each attestation signed
    again since (if the track says so; ``signed_since_issue`` holds their ids), and the
    continuing-education hours, in all and per domain."""
    items = list(_course_items(track.renewal.courses, completed_since_issue, titles))
    if track.renewal.attestation:
        for attestation in track.attestations:
            title = attestation.title.lower()
            signed = attestation.id in signed_since_issue
            items.append(
                Item(
                    f"Sign the {title} again",
                    signed,
                    "" if signed else f"Read and sign the {title} again.",
                )
            )
    items += _ce_items(ce_progress(track, ce_records, issued_on, expires_on))
    return Checklist(tuple(items))


def reminder_window(track: Track, default_days: int) -> int:
    """How many days before expiry the holder is reminded: the earliest of the track's
    continuing-education reminders when it asks for CE, else the program's setting."""
    rule = track.renewal.continuing_education
    if (rule.hours or rule.by_domain) and rule.reminder_days:
        return max(rule.reminder_days)
    return default_days


def reminder_sentence(expires_on: date, today: date, progress: CeProgress) -> str:
    """E.g. "Your certificate expires on 3 June 2027. You have 8 of 20 continuing-education
    hours (2 of 6 in Ethical Responsibility)."""
    verb = "expires" if expires_on >= today else "expired"
    first = f"Your certificate {verb} on {long_date(expires_on)}."
    return f"{first} {progress.sentence}".strip()
