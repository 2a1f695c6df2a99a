"""Who may be certified: a pure function from a track and a trainee's record to a checklist that
says, for each requirement, whether it is met and what is missing in plain words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from certificates.checklist_groups import HEADLINE, SHARE, Group, grouped, number
from certificates.evaluation import evaluation_items
from certificates.hours import Totals, exact, hours_number, hours_word, quarter_hours_up
from certificates.outside_hours import counted_outside
from certificates.requirements import EXPERIENCE, hours_progress
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


#: how a lead's confirmation begins on the checklist
CONFIRMED = "Confirmed by the program: "

#: the checklist's groups, in the order people meet them
GROUPS = (
    "Courses",
    "Training hours",
    "Experience",
    "Supervision",
    "Evaluation",
    "Exam",
    "Statements and program checks",
)


@dataclass(frozen=True)
class Item:
    """One requirement: ``label`` and ``missing`` say it whole (for messages and lists of what
    is still needed); the grouped checklist shows ``text`` and, while unmet, ``note``, which
    leave out what the group's heading already says."""

    label: str
    met: bool
    missing: str = ""
    #: one of GROUPS
    group: str = "Courses"
    #: the requirement in a few words under its group's heading ("6 hours in Advocacy");
    #: empty: the label
    short: str = ""
    #: for a requirement counted in numbers: what the trainee has and what it asks
    have: float | None = None
    need: float | None = None
    unit: str = "hours"
    #: what an unmet item adds after its numbers, or instead of them: None says ``missing``,
    #: "" nothing (the text says it all)
    hint: str | None = None
    #: what it is about, for links and next steps: "course", "attestation", "confirmation",
    #: "exam", "evaluation", "training", "practice", "supervision"; ``ref`` names which (an
    #: evaluation's ratings below the minimum: that minimum)
    kind: str = ""
    ref: str = ""
    #: what its numbers are to its group (``checklist_groups.HEADLINE`` or ``SHARE``)
    role: str = ""

    @property
    def text(self) -> str:
        return self.short or self.label

    @property
    def counted(self) -> bool:
        return self.have is not None and self.need is not None

    @property
    def note(self) -> str:
        """What is still missing, without saying the requirement again: "1.5 so far, 5 to
        go", "take it, then the program lead records the result" (empty once met)."""
        if self.met:
            return ""
        parts = []
        if self.have is not None and self.need is not None:
            left = max(0.0, self.need - self.have)
            parts.append(f"{number(self.have)} so far, {number(left)} to go")
        if self.hint:
            parts.append(self.hint)
        elif self.hint is None and not parts:
            parts.append(self.missing)
        return "; ".join(parts)


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

    @property
    def groups(self) -> tuple[Group, ...]:
        """The items by group, in GROUPS order (then any other group in the order first met),
        leaving out empty groups, each with the trainee's progress in it."""
        return grouped(self.items, GROUPS)


def course_hours_earned(record: TraineeRecord) -> dict[str, float]:
    earned = dict.fromkeys(DOMAINS, 0.0)
    for course_id in record.completed_courses:
        for domain, hours in record.course_hours.get(course_id, {}).items():
            earned[domain] = earned.get(domain, 0.0) + hours
    return earned


def live_hours_earned(record: TraineeRecord) -> dict[str, float]:
    earned = dict.fromkeys(DOMAINS, 0.0)
    for event in record.events:
        for domain, hours in event.hours.items():
            earned[domain] = earned.get(domain, 0.0) + hours
    return earned


@dataclass(frozen=True)
class TrainingHours:
    """The training hours that count, by domain and by source."""

    courses: dict[str, float]
    live: dict[str, float]
    outside: dict[str, float]

    @property
    def by_domain(self) -> dict[str, float]:
        return {
            d: self.courses.get(d, 0.0) + self.live.get(d, 0.0) + self.outside.get(d, 0.0)
            for d in DOMAINS
        }

    @property
    def total(self) -> float:
        return sum(self.by_domain.values())

    @property
    def live_total(self) -> float:
        return sum(self.live.values())


def training_hours(track: Track, record: TraineeRecord) -> TrainingHours:
    """Courses completed, live events attended and approved outside training (up to the
    track's allowance), by domain."""
    outside = counted_outside(record.outside, track.training.outside_max_hours)
    return TrainingHours(course_hours_earned(record), live_hours_earned(record), outside)


def training_hours_earned(record: TraineeRecord) -> dict[str, float]:
    """Training hours from courses alone (what a track without live or outside training
    counts)."""
    return course_hours_earned(record)


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
            "its practice exercises accepted",
            short=title,
            hint="",  # the group says once what completing a course means
            kind="course",
            ref=course_id,
        )


def _training_items(track: Track, earned: TrainingHours) -> Iterator[Item]:
    group = "Training hours"
    by_domain = earned.by_domain
    for domain, needed in track.training_hours.items():
        have = by_domain.get(domain, 0.0)
        met = have >= needed
        missing = f"{needed - have:g} more training hours in {DOMAINS[domain]}" if not met else ""
        yield Item(
            f"{hours_word(needed)} of training in {DOMAINS[domain]}",
            met,
            missing,
            group,
            short=f"{hours_word(needed)} in {DOMAINS[domain]}",
            have=have,
            need=float(needed),
            kind="training",
            ref=domain,
        )
    rule = track.training
    if rule.total_hours:
        have = earned.total
        met = have >= rule.total_hours
        yield Item(
            f"{hours_word(rule.total_hours)} of training in all",
            met,
            "" if met else f"{rule.total_hours - have:g} more training hours in any domain",
            group,
            short=f"{hours_word(rule.total_hours)} in all (any domain)",
            have=have,
            need=float(rule.total_hours),
            kind="training",
            role=HEADLINE,
        )
    if rule.live_min_percent:
        required = exact(rule.total_hours) or sum(map(exact, track.training_hours.values()))
        needed = float(quarter_hours_up(required * exact(rule.live_min_percent) / 100))
        have = earned.live_total
        met = have >= needed
        yield Item(
            f"{hours_word(needed)} of it at live training events ({rule.live_min_percent:g} %)",
            met,
            "" if met else f"{needed - have:g} more hours at live training events",
            group,
            short=f"{hours_word(needed)} of them at live training events "
            f"({rule.live_min_percent:g} %)",
            have=have,
            need=needed,
            kind="training",
            role=SHARE,
        )


#: how each hours requirement (by its label in ``certificates.requirements``) reads under its
#: group's heading, and what its numbers are to the group
_HOURS_ROLES = {
    "supervised practice": HEADLINE,
    "supervision": HEADLINE,
    "direct service within supervised practice": SHARE,
}


def _hours_items(track: Track, record: TraineeRecord) -> Iterator[Item]:
    for requirement in hours_progress(track.hours, record.hours, track.experience):
        if requirement.required_minutes:
            experience = requirement.group == EXPERIENCE
            yield Item(
                requirement.text,
                requirement.met,
                "" if requirement.met else requirement.missing_text,
                "Experience" if experience else "Supervision",
                short=requirement.short_text,
                have=hours_number(requirement.approved_minutes),
                need=hours_number(requirement.required_minutes),
                hint=requirement.hint,
                kind="practice" if experience else "supervision",
                role=_HOURS_ROLES.get(requirement.label, SHARE if requirement.ratio else ""),
            )


def _evaluation_items(track: Track, record: TraineeRecord) -> Iterator[Item]:
    if track.evaluation is None:
        return
    for item in evaluation_items(track.evaluation, record.evaluation):
        yield Item(
            item.label, item.met, item.missing, "Evaluation", kind="evaluation", ref=item.minimum
        )


def _exam_items(track: Track, record: TraineeRecord) -> Iterator[Item]:
    exam = track.exam
    if exam is None:
        return
    met = record.exam is not None and record.exam.passed
    if met:
        missing = hint = ""
    elif exam.kind == "external":
        missing = f"Pass the {exam.name}; take it, then the program lead records the result"
        hint = "take it, then the program lead records the result"
    else:
        missing = f"Pass the {exam.name} ({exam.pass_percent} % to pass)"
        hint = f"{exam.pass_percent} % to pass"
    yield Item(f"Pass the {exam.name}", met, missing, "Exam", hint=hint, kind="exam", ref=exam.kind)


def _attestation_items(track: Track, record: TraineeRecord) -> Iterator[Item]:
    for attestation in track.attestations:
        signed = attestation.id in record.signed_attestations
        title = attestation.title.lower()
        missing = "" if signed else f"Read and sign the {title}."
        yield Item(
            f"Sign the {title}",
            signed,
            missing,
            "Statements and program checks",
            hint="not signed yet",
            kind="attestation",
            ref=attestation.id,
        )
    for confirmation in track.confirmations:
        done = confirmation.id in record.confirmations
        missing = "" if done else f"Your program lead still has to confirm “{confirmation.label}”"
        label = f"{CONFIRMED}{confirmation.label}"
        yield Item(
            label,
            done,
            missing,
            "Statements and program checks",
            hint="not confirmed yet; the program lead can say what they need",
            kind="confirmation",
            ref=confirmation.id,
        )


def eligibility(track: Track, record: TraineeRecord) -> Checklist:
    """Every requirement of ``track`` checked against ``record``, in GROUPS order."""
    items = list(_course_items(track.courses, record.completed_courses, record.course_titles))
    items += _training_items(track, training_hours(track, record))
    items += _hours_items(track, record)
    items += _evaluation_items(track, record)
    items += _exam_items(track, record)
    items += _attestation_items(track, record)
    return Checklist(tuple(items))
