"""Who may be certified: a pure function from a track and a trainee's record to a checklist that
says, for each requirement, whether it is met and what is missing in plain words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from certificates.hours import Totals, as_hours, hours_progress
from certificates.rulebook import (
    AttendedEvent,
    EvaluationOutcome,
    ExamOutcome,
    OutsideTraining,
)
from certificates.tracks import Track
from courses.domains import DOMAINS


@dataclass(frozen=True)
class TraineeRecord:
    """What the platform knows about one trainee, gathered by the web app."""

    #: ids of courses with every module read and the quiz passed
    completed_courses: frozenset[str]
    #: course id -> its title and the training hours it declares per domain (from the library)
    course_titles: Mapping[str, str]
    course_hours: Mapping[str, Mapping[str, float]]
    hours: Totals
    #: ids of the track's attestations whose current text the trainee has signed
    signed_attestations: frozenset[str] = frozenset()
    #: ids of the track's confirmations a lead has confirmed for the trainee
    confirmations: frozenset[str] = frozenset()
    #: live training events attended (in full or part)
    events: tuple[AttendedEvent, ...] = ()
    #: approved outside training (kind "outside"; continuing education is not here)
    outside: tuple[OutsideTraining, ...] = ()
    #: the track's exam, if it has one: None until there is a result
    exam: ExamOutcome | None = None
    #: the latest signed competency evaluation on the track's current form, if any
    evaluation: EvaluationOutcome | None = None


@dataclass(frozen=True)
class Item:
    label: str
    met: bool
    missing: str = ""


@dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return all(item.met for item in self.items)

    @property
    def outstanding(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.met)

    @property
    def still_needed(self) -> str:
        """What is missing, as one sentence: "Complete …; 5 more training hours in …."."""
        return "; ".join(item.missing.rstrip(".") for item in self.outstanding) + "."


def hours_word(value: float) -> str:
    """6 -> '6 hours', 1 -> '1 hour', 1.5 -> '1.5 hours'."""
    return f"{value:g} hour{'' if value == 1 else 's'}"


def training_hours_earned(record: TraineeRecord) -> dict[str, float]:
    earned = dict.fromkeys(DOMAINS, 0.0)
    for course_id in record.completed_courses:
        for domain, hours in record.course_hours.get(course_id, {}).items():
            earned[domain] = earned.get(domain, 0.0) + hours
    return earned


def _course_items(
    course_ids: tuple[str, ...], done: frozenset[str], titles: Mapping[str, str]
) -> Iterator[Item]:
    for course_id in course_ids:
        title = titles.get(course_id, course_id)
        met = course_id in done
        yield Item(
            f"Complete “{title}”",
            met,
            ""
            if met
            else f"Complete the course “{title}”: read every module, pass its quiz and have "
            "its practice accepted",
        )


def eligibility(track: Track, record: TraineeRecord) -> Checklist:
    """Every requirement of ``track`` checked against ``record``."""
    items = list(_course_items(track.courses, record.completed_courses, record.course_titles))
    earned = training_hours_earned(record)
    for domain, needed in track.training_hours.items():
        have = earned.get(domain, 0.0)
        met = have >= needed
        missing = f"{needed - have:g} more training hours in {DOMAINS[domain]}" if not met else ""
        items.append(Item(f"{hours_word(needed)} of training in {DOMAINS[domain]}", met, missing))
    for requirement in hours_progress(track.hours, record.hours):
        if requirement.required_minutes:
            needed = as_hours(requirement.required_minutes)
            items.append(
                Item(
                    f"{needed} approved hour{'' if needed == '1' else 's'} of {requirement.label}",
                    requirement.met,
                    "" if requirement.met else requirement.missing_text,
                )
            )
    for attestation in track.attestations:
        signed = attestation.id in record.signed_attestations
        title = attestation.title.lower()
        items.append(
            Item(f"Sign the {title}", signed, "" if signed else f"Read and sign the {title}.")
        )
    return Checklist(tuple(items))


def renewal_checklist(
    track: Track,
    completed_since_issue: frozenset[str],
    titles: Mapping[str, str],
    attested_since_issue: bool,
) -> Checklist:
    """What renewing a certificate needs: the renewal courses completed again since it was
    issued, and (if the track says so) the attestation signed again."""
    items = list(_course_items(track.renewal.courses, completed_since_issue, titles))
    if track.renewal.attestation and track.attestation is not None:
        title = track.attestation.title.lower()
        items.append(
            Item(
                f"Sign the {title} again",
                attested_since_issue,
                "" if attested_since_issue else f"Read and sign the {title} again.",
            )
        )
    return Checklist(tuple(items))
