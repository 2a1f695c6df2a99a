"""What a certificate says its holder completed: the "certifies" summary (training hours by
domain as counted, supervised practice and supervision, the exam, the competency evaluation, how
many attestations were signed with their versions, never which ones, and for a renewal the
continuing education counted for it) and the transcript (every course, live event and outside
training, and a renewal's continuing education, with its date and hours).

The summary is signed into the certificate's payload; the transcript is stored beside it, the
payload signing its digest (``certificates.transcript_digest``).

Everything here is built from a trainee's eligibility record (``certificates.eligibility``), so
the certificate counts the same hours the checklist does, and read back from the signed payload
(plain JSON types), so the PDF, the verification page and the offline check all say the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from certificates.eligibility import TraineeRecord, training_hours
from certificates.outside_hours import ce_hours, counted_outside
from certificates.rulebook import OutsideTraining
from certificates.tracks import Track
from certificates.transcript_digest import signed_transcript
from courses.domains import DOMAINS, domain_name

#: what the certificate says of the attestations signed: never which ones (see Certifies)
ALL_STATEMENTS_SIGNED = "All statements this track asks were signed"

#: transcript lines of the same day are listed in this order; "ce" lines (a renewal's continuing
#: education) count toward no training hours and are listed apart
KINDS = {
    "course": "Course",
    "event": "Live event",
    "outside": "Outside training",
    "ce": "Continuing education",
}


def _hours(value: float) -> float:
    """Hours as signed: rounded to hundredths, so sums of quarter hours never print 9.999."""
    return round(float(value), 2)


def _by_domain(hours: Mapping[str, float]) -> dict[str, float]:
    """Hours by domain in the platform's order of domains, leaving out zeros."""
    known = [d for d in DOMAINS if hours.get(d)] + sorted(set(hours) - set(DOMAINS))
    return {d: _hours(hours[d]) for d in known if _hours(hours[d])}


def hours_word(value: float) -> str:
    """2 -> "2 hours", 1 -> "1 hour", 1.5 -> "1.5 hours"."""
    value = _hours(value)
    return f"{value:g} hour{'' if value == 1 else 's'}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- the transcript ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedCourse:
    """A course the trainee completed, on the day its last requirement was met."""

    course_id: str
    title: str
    completed_on: date
    hours: Mapping[str, float]


@dataclass(frozen=True)
class TranscriptLine:
    kind: str  # course, event, outside or ce
    day: date
    title: str
    #: training hours by domain counted for it (outside training: only what counts; continuing
    #: education: its hours as counted for the renewal)
    hours: Mapping[str, float]
    #: outside training and continuing education: who gave it
    provider: str = ""
    #: live events: the minutes attended
    minutes: int | None = None

    @property
    def total_hours(self) -> float:
        return _hours(sum(self.hours.values()))

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def as_payload(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "kind": self.kind,
            "on": self.day.isoformat(),
            "title": self.title,
            "hours": _by_domain(self.hours),
        }
        if self.provider:
            line["provider"] = self.provider
        if self.minutes is not None:
            line["minutes"] = self.minutes
        return line

    @classmethod
    def from_payload(cls, line: Mapping[str, Any]) -> TranscriptLine:
        return cls(
            kind=str(line["kind"]),
            day=date.fromisoformat(line["on"]),
            title=str(line["title"]),
            hours=_by_domain(line.get("hours", {})),
            provider=str(line.get("provider", "")),
            minutes=line.get("minutes"),
        )


def outside_counted_each(
    records: Sequence[OutsideTraining], cap_hours: float
) -> list[tuple[OutsideTraining, dict[str, float]]]:
    """Each approved outside record with the hours of it that count toward training, in the
    order the cap is applied (date, then id): what the prefix up to it counts, less what the
    prefix before it counted (so the cap's rule lives in one place, ``counted_outside``)."""
    ordered = sorted(records, key=lambda r: (r.day, r.id))
    result, before = [], counted_outside([], cap_hours)
    for end in range(1, len(ordered) + 1):
        upto = counted_outside(ordered[:end], cap_hours)
        counted = {d: upto.get(d, 0.0) - before.get(d, 0.0) for d in upto}
        result.append((ordered[end - 1], _by_domain(counted)))
        before = upto
    return result


def transcript(
    courses: Iterable[CompletedCourse],
    record: TraineeRecord,
    track: Track,
    ce: Sequence[OutsideTraining] = (),
) -> tuple[TranscriptLine, ...]:
    """The courses completed, the live events attended and the outside training approved, and
    for a renewal the continuing education counted for it (``ce``: what
    ``certificates.outside_hours.ce_counted`` keeps), in date order (the same day: courses,
    events, outside training, then continuing education; then by title)."""
    lines = [TranscriptLine("course", c.completed_on, c.title, dict(c.hours)) for c in courses]
    lines += [TranscriptLine("ce", r.day, r.title, ce_hours([r]), provider=r.provider) for r in ce]
    lines += [
        TranscriptLine("event", e.day, e.title, dict(e.hours), minutes=e.minutes_attended)
        for e in record.events
    ]
    lines += [
        TranscriptLine("outside", r.day, r.title, counted, provider=r.provider)
        for r, counted in outside_counted_each(record.outside, track.training.outside_max_hours)
    ]
    order = list(KINDS)
    return tuple(sorted(lines, key=lambda x: (x.day, order.index(x.kind), x.title.casefold())))


# --- what the certificate certifies ------------------------------------------------------------


@dataclass(frozen=True)
class Certifies:
    """The summary of what the holder completed, as signed."""

    #: training hours counted, by domain: courses, live events and outside training together
    training_hours: Mapping[str, float]
    course_hours: float
    live_hours: float
    outside_hours: float
    practice_minutes: int
    supervision_individual_minutes: int
    supervision_group_minutes: int
    #: None where the platform did not record direct service
    direct_service_minutes: int | None = None
    #: {"name", "result", "on"} when the track has an exam (never the score: the certificate is
    #: public; certificates signed before this may also hold a "detail", never shown)
    exam: Mapping[str, str] | None = None
    #: {"title", "by", "on"} when the track has a competency evaluation
    evaluation: Mapping[str, str] | None = None
    #: the version of each attestation signed, in the track's order. Never their titles or ids:
    #: the verification page is public, and a title such as "Lived-experience statement" would
    #: tell anyone with the code about the holder's health history.
    attestation_versions: tuple[str, ...] = field(default_factory=tuple)
    #: a renewal: the continuing-education hours by domain counted for it (None otherwise)
    continuing_education: Mapping[str, float] | None = None

    @property
    def training_total(self) -> float:
        return _hours(sum(self.training_hours.values()))

    @property
    def attestations_signed(self) -> int:
        return len(self.attestation_versions)

    @property
    def supervision_minutes(self) -> int:
        return self.supervision_individual_minutes + self.supervision_group_minutes

    @property
    def continuing_education_total(self) -> float:
        return _hours(sum((self.continuing_education or {}).values()))

    def as_payload(self) -> dict[str, Any]:
        signed = {
            "training_hours": _by_domain(self.training_hours),
            "training_total": self.training_total,
            "course_hours": _hours(self.course_hours),
            "live_hours": _hours(self.live_hours),
            "outside_hours": _hours(self.outside_hours),
            "practice_minutes": self.practice_minutes,
            "direct_service_minutes": self.direct_service_minutes,
            "supervision_minutes": {
                "individual": self.supervision_individual_minutes,
                "group": self.supervision_group_minutes,
            },
            "exam": dict(self.exam) if self.exam else None,
            "evaluation": dict(self.evaluation) if self.evaluation else None,
            "attestations": {
                "signed": self.attestations_signed,
                "versions": list(self.attestation_versions),
            },
        }
        if self.continuing_education:
            signed["continuing_education"] = _by_domain(self.continuing_education)
        return signed

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Certifies:
        supervision = data.get("supervision_minutes", {})
        return cls(
            training_hours=_by_domain(data.get("training_hours", {})),
            course_hours=data.get("course_hours", 0),
            live_hours=data.get("live_hours", 0),
            outside_hours=data.get("outside_hours", 0),
            practice_minutes=data.get("practice_minutes", 0),
            supervision_individual_minutes=supervision.get("individual", 0),
            supervision_group_minutes=supervision.get("group", 0),
            direct_service_minutes=data.get("direct_service_minutes"),
            exam=data.get("exam"),
            evaluation=data.get("evaluation"),
            attestation_versions=_signed_versions(data.get("attestations")),
            continuing_education=data.get("continuing_education"),
        )


def _signed_versions(signed: Any) -> tuple[str, ...]:
    """The versions from {"signed", "versions"}; early test payloads had a list of
    {"title", "version"}, read the same way (their titles are never shown)."""
    if isinstance(signed, Mapping):
        return tuple(signed.get("versions", ()))
    return tuple(a["version"] for a in signed or ())


def certifies(track: Track, record: TraineeRecord, ce: Sequence[OutsideTraining] = ()) -> Certifies:
    """What the certificate says the holder completed: the training hours as the eligibility
    checklist counts them (``certificates.eligibility.training_hours``), approved practice and
    supervision (direct service only where the track asks for it), the exam (name, result and
    date: never its score), the evaluation, the attestations signed, and for a renewal the
    continuing education counted for it (``ce``, as ``transcript`` takes it)."""
    counted = training_hours(track, record)
    by_kind = record.hours.approved_by_kind
    exam = None
    if track.exam is not None and record.exam is not None:
        exam = {
            "name": track.exam.name,
            "result": "passed" if record.exam.passed else "not passed",
            "on": record.exam.day.isoformat() if record.exam.day else "",
        }
    evaluation = None
    if track.evaluation is not None and record.evaluation is not None:
        evaluation = {
            "title": track.evaluation.title,
            "by": record.evaluation.supervisor_name,
            "on": record.evaluation.signed_on.isoformat(),
        }
    return Certifies(
        training_hours=counted.by_domain,
        course_hours=sum(counted.courses.values()),
        live_hours=counted.live_total,
        outside_hours=sum(counted.outside.values()),
        practice_minutes=int(record.hours.approved_practice),
        supervision_individual_minutes=int(by_kind.get("individual_supervision", 0)),
        supervision_group_minutes=int(by_kind.get("group_supervision", 0)),
        direct_service_minutes=(
            int(record.hours.approved_direct_practice)
            if track.experience.direct_service_hours
            else None
        ),
        exam=exam,
        evaluation=evaluation,
        attestation_versions=tuple(
            a.version for a in track.attestations if a.id in record.signed_attestations
        ),
        continuing_education=ce_hours(ce) or None,
    )


# --- in plain words ----------------------------------------------------------------------------


def _minutes_word(minutes: int) -> str:
    return hours_word(minutes / 60)


def _domains_text(hours: Mapping[str, float]) -> str:
    return ", ".join(f"{domain_name(d)} {_hours(v):g}" for d, v in _by_domain(hours).items())


def certifies_sentences(summary: Certifies) -> list[str]:
    """What the certificate certifies, one plain sentence a line (PDF, verification page,
    offline check)."""
    lines = []
    if summary.training_total:
        parts = [f"{hours_word(summary.live_hours)} at live events"] if summary.live_hours else []
        if summary.outside_hours:
            parts.append(f"{hours_word(summary.outside_hours)} of outside training")
        of_them = f"; of them {' and '.join(parts)}" if parts else ""
        lines.append(
            f"{hours_word(summary.training_total)} of training "
            f"({_domains_text(summary.training_hours)}){of_them}."
        )
    practice = f"{_minutes_word(summary.practice_minutes)} of supervised practice"
    if summary.direct_service_minutes is not None:
        practice += f", {_minutes_word(summary.direct_service_minutes)} of it in direct service"
    lines.append(practice + ", signed off by the program's supervisors.")
    lines.append(
        f"{_minutes_word(summary.supervision_minutes)} of supervision "
        f"({_minutes_word(summary.supervision_individual_minutes)} individual, "
        f"{_minutes_word(summary.supervision_group_minutes)} in a group)."
    )
    if summary.exam:
        day = summary.exam.get("on")
        when = f" on {long_date(date.fromisoformat(day))}" if day else ""
        verb = "Passed" if summary.exam.get("result") == "passed" else "Took"
        lines.append(f"{verb} the {summary.exam['name']}{when}.")
    if summary.evaluation:
        lines.append(
            f"{summary.evaluation['title']} completed and signed by {summary.evaluation['by']} on "
            f"{long_date(date.fromisoformat(summary.evaluation['on']))}."
        )
    if summary.attestations_signed:
        # a certificate is issued only once every statement is signed; which ones is not said
        lines.append(f"{ALL_STATEMENTS_SIGNED}.")
    if summary.continuing_education:
        lines.append(
            f"Renewed with {hours_word(summary.continuing_education_total)} of continuing "
            f"education ({_domains_text(summary.continuing_education)})."
        )
    return lines


def old_format_sentences(payload: Mapping[str, Any]) -> list[str]:
    """What a certificate signed before the "certifies" section said, in the same words."""
    lines = []
    if payload.get("training_hours"):
        hours = payload["training_hours"]
        lines.append(
            f"{hours_word(sum(hours.values()))} of training in the track's courses "
            f"({_domains_text(hours)})."
        )
    minutes = payload.get("approved_minutes") or {}
    if minutes:
        lines.append(
            f"{_minutes_word(minutes.get('supervised_practice', 0))} of supervised practice and "
            f"{_minutes_word(minutes.get('supervision', 0))} of supervision, signed off by the "
            "program's supervisors."
        )
    return lines


def sentences_of(payload: Mapping[str, Any]) -> list[str]:
    """The plain-words summary of any signed payload, new or old format."""
    if isinstance(payload.get("certifies"), Mapping):
        return certifies_sentences(Certifies.from_payload(payload["certifies"]))
    return old_format_sentences(payload)


def transcript_of(
    payload: Mapping[str, Any], stored: Any = None
) -> tuple[TranscriptLine, ...] | None:
    """The signed transcript, or None for a certificate signed before transcripts were; raises
    TranscriptMismatch for one that is not the one signed (``signed_transcript``)."""
    lines = signed_transcript(payload, stored)
    if lines is None:
        return None
    return tuple(TranscriptLine.from_payload(line) for line in lines)
