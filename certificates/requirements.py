"""A track's hours requirements against a trainee's approved totals: supervised practice and
its direct service, supervision in all, for the practice done (a ratio) and in each domain, with
group supervision counted only up to the track's cap. Durations are whole minutes (exact
fractions where shared), as in ``certificates.hours``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from certificates.hours import HoursRules, Totals, as_hours, exact, hours_word, quarter_hours_up
from certificates.rulebook import ExperienceRule
from courses.domains import DOMAINS

#: a track without an [experience] section: no split, no ratio, no cap
NO_EXPERIENCE_RULES = ExperienceRule()

#: the eligibility checklist's groups for hours requirements
EXPERIENCE = "experience"
SUPERVISION = "supervision"


@dataclass(frozen=True)
class Requirement:
    """One hours requirement of a track, and how far a trainee is from it."""

    label: str
    required_minutes: int
    approved_minutes: Fraction
    #: where the checklist shows it: EXPERIENCE (practice, direct service) or SUPERVISION
    group: str = SUPERVISION
    #: what to do while it is not met, where "N more approved hours of <label>" would not say
    #: it right (a supervision ratio, or group supervision beyond what counts)
    advice: str = ""
    #: the requirement in words, where "N approved hours of <label>" would not say it right
    wording: str = ""
    #: the requirement in a few words under its checklist group's heading, which already says
    #: "Supervision" and that only approved hours count (empty: "N hours of <label>")
    short: str = ""
    #: what to do beyond logging more hours (group supervision that no longer counts); the
    #: checklist shows it after the numbers
    hint: str = ""
    #: the supervision a ratio asks for the practice done (a share of the supervision in all)
    ratio: bool = False

    @property
    def short_text(self) -> str:
        """'500 hours of supervised practice', '5 hours in Advocacy'."""
        return self.short or f"{_hours_words(self.required_minutes)} of {self.label}"

    @property
    def text(self) -> str:
        """The requirement in words, for the checklist: '25 approved hours of supervision'."""
        if self.wording:
            return self.wording
        needed = as_hours(self.required_minutes)
        return f"{needed} approved hour{'' if needed == '1' else 's'} of {self.label}"

    @property
    def met(self) -> bool:
        return self.approved_minutes >= self.required_minutes

    @property
    def missing_minutes(self) -> Fraction:
        return max(Fraction(0), self.required_minutes - self.approved_minutes)

    @property
    def percent(self) -> int:
        if not self.required_minutes:
            return 100
        return min(100, int(100 * self.approved_minutes / self.required_minutes))

    @property
    def missing_text(self) -> str:
        """What is missing, in plain words: '6.5 more approved hours of supervision …'."""
        if self.met:
            return "Done"
        if self.advice:
            return self.advice
        return f"{as_hours(self.missing_minutes)} more approved hours of {self.label}"


def minutes_up_to_quarter_hour(minutes: int | Fraction) -> int:
    """Minutes rounded up to the quarter hour: what a trainee must log to cover them."""
    return int(quarter_hours_up(Fraction(minutes) / 60) * 60)


def supervision_for_practice(practice_minutes: int, practice_hours_per_hour: float) -> int:
    """The supervision a supervision ratio asks for ``practice_minutes`` of practice: one hour
    for every ``practice_hours_per_hour`` hours, rounded up to the quarter hour (0: no ratio)."""
    ratio = exact(practice_hours_per_hour)
    if ratio <= 0:
        return 0
    return minutes_up_to_quarter_hour(Fraction(practice_minutes) / ratio)


def group_cap(max_percent: float, required_minutes: int | Fraction) -> Fraction | None:
    """The most group supervision that counts toward ``required_minutes`` of supervision, when
    group supervision counts up to ``max_percent`` of it; None when there is no cap (100 %)."""
    share = exact(max_percent)
    if share >= 100:
        return None
    return max(Fraction(0), share) * Fraction(required_minutes) / 100


def counted_supervision(all_minutes: Fraction, group: Fraction, cap: Fraction | None) -> Fraction:
    """Supervision that counts: all of it, less the group supervision beyond the cap."""
    return all_minutes if cap is None or group <= cap else all_minutes - group + cap


def _hours_words(minutes: int | Fraction) -> str:
    return hours_word(Fraction(minutes) / 60)


def _more_hours(minutes: int | Fraction) -> str:
    return "1 more hour" if minutes == 60 else f"{as_hours(minutes)} more hours"


def _capped(
    label: str,
    required: int,
    all_minutes: Fraction,
    group: Fraction,
    cap: Fraction | None,
    where: str = "",
) -> Requirement:
    """A supervision requirement toward which group supervision counts only up to ``cap``;
    when more group supervision would not help, the advice says to log individual supervision."""
    counted = counted_supervision(all_minutes, group, cap)
    advice = ""
    if cap is not None and group >= cap and counted < required:
        counts = (
            f"group supervision counts up to {_hours_words(cap)}{where}"
            if cap
            else f"group supervision does not count{where} on this track"
        )
        advice = (
            f"{counts}; log {_more_hours(minutes_up_to_quarter_hour(required - counted))} of "
            f"individual supervision{where}"
        )
    return Requirement(label, required, counted, SUPERVISION, advice, hint=advice)


def hours_progress(
    rules: HoursRules, done: Totals, experience: ExperienceRule = NO_EXPERIENCE_RULES
) -> Sequence[Requirement]:
    """Each hours requirement of a track against the trainee's approved totals: supervised
    practice and its direct service; supervision in all, for the practice done (the ratio) and
    in each domain, with group supervision counted only up to the track's cap: a share of the
    supervision required (the larger of the total and the ratio's), or of a domain's minimum."""
    progress = [
        Requirement(
            "supervised practice",
            rules.practice_minutes,
            Fraction(done.approved_practice),
            EXPERIENCE,
        )
    ]
    direct = minutes_up_to_quarter_hour(exact(experience.direct_service_hours) * 60)
    if direct > 0:
        progress.append(
            Requirement(
                "direct service within supervised practice",
                direct,
                Fraction(done.approved_direct_practice),
                EXPERIENCE,
                short=f"{_hours_words(direct)} of it in direct service",
            )
        )
    ratio = experience.practice_hours_per_supervision_hour
    for_practice = supervision_for_practice(done.approved_practice, ratio)
    percent = experience.group_supervision_max_percent
    cap = group_cap(percent, max(rules.supervision_minutes, for_practice))
    supervision = Fraction(done.approved_supervision)
    group = Fraction(done.approved_group_supervision)
    in_all = _capped("supervision", rules.supervision_minutes, supervision, group, cap)
    short = f"{_hours_words(rules.supervision_minutes)} of supervision in all"
    progress.append(replace(in_all, short=short))
    if exact(ratio) > 0:
        label = f"1 hour of supervision for every {hours_word(exact(ratio))} of practice"
        needed = _capped(label, for_practice, supervision, group, cap)
        advice = needed.advice or (
            f"{_more_hours(needed.missing_minutes)} of approved supervision: your "
            f"{_hours_words(done.approved_practice)} of approved practice need "
            f"{_hours_words(for_practice)} of supervision"
        )
        wording = (
            f"{_hours_words(for_practice)} of approved supervision for your "
            f"{_hours_words(done.approved_practice)} of approved practice ({label})"
        )
        short = (
            f"{_hours_words(for_practice)} for your {_hours_words(done.approved_practice)} of "
            f"practice (1 hour for every {hours_word(exact(ratio))})"
        )
        progress.append(
            Requirement(
                label,
                for_practice,
                needed.approved_minutes,
                SUPERVISION,
                advice,
                wording,
                short=short,
                hint=needed.advice,
                ratio=True,
            )
        )
    for domain, minutes in rules.supervision_by_domain.items():
        in_domain = _capped(
            f"supervision in {DOMAINS[domain]}",
            minutes,
            done.approved_supervision_by_domain.get(domain, Fraction(0)),
            done.approved_group_supervision_by_domain.get(domain, Fraction(0)),
            group_cap(percent, minutes),
            where=f" in {DOMAINS[domain]}",
        )
        progress.append(replace(in_domain, short=f"{_hours_words(minutes)} in {DOMAINS[domain]}"))
    return progress
