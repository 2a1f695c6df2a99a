"""The rulebook of a track beyond courses and signed-off hours, as data: live and outside
training, the exam, the competency evaluation, experience and supervisor rules, attestations and
lead confirmations, and continuing education for renewal.

Each rule is read from the track's TOML file (``certificates.track_sections``) and checked by the
pure functions in ``certificates.eligibility``; the web app gathers the facts below for each
trainee (``training.certs.services.records_of``). A track leaves out a section it does not need.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

# --- rules (what a track asks) ------------------------------------------------------------------


@dataclass(frozen=True)
class EventTemplate:
    """A live session a track names (``[[training.events]]``), which a lead can schedule: its
    title and the training hours it gives by domain when attended in full."""

    id: str
    title: str
    hours: Mapping[str, float]

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())


@dataclass(frozen=True)
class TrainingRule:
    """How training hours may be earned beyond the track's own courses (``[training]``)."""

    #: all training hours together, beyond the per-domain minimums (0: no total asked)
    total_hours: float = 0
    #: at least this share of the counted training hours from live events, in percent
    live_min_percent: float = 0
    #: at most this many hours of approved outside training count (0: none count)
    outside_max_hours: float = 0
    #: the live sessions the track names, which leads schedule as training events
    events: tuple[EventTemplate, ...] = ()

    def event(self, template_id: str) -> EventTemplate | None:
        return next((e for e in self.events if e.id == template_id), None)


@dataclass(frozen=True)
class ExamRule:
    """The exam a track asks for (``[exam]``): passed outside the platform and recorded by a lead
    (``kind = "external"``), or the platform's own final exam (``kind = "internal"``) drawn from
    the courses' question pools by a blueprint of questions per domain."""

    kind: str  # "external" or "internal"
    name: str
    description: str = ""
    #: internal only: domain id -> how many questions to draw from the track's courses
    blueprint: Mapping[str, int] = field(default_factory=dict)
    pass_percent: int = 70
    #: internal only: attempts allowed in all (0: no limit), and the wait between attempts
    max_attempts: int = 3
    wait_hours: int = 24

    @property
    def question_count(self) -> int:
        return sum(self.blueprint.values())


@dataclass(frozen=True)
class Competency:
    id: str
    title: str
    #: the domain it belongs to, where the track says (for grouping on the form)
    domain: str = ""


@dataclass(frozen=True)
class EvaluationRule:
    """A supervisor's signed evaluation of a trainee (``[evaluation]``): each competency rated on
    the scale (lowest first), with a comment; every rating at least ``min_rating``."""

    title: str
    scale: tuple[str, ...]
    min_rating: str
    competencies: tuple[Competency, ...]
    statement: str = (
        "I have observed this trainee's work and this evaluation is accurate to the best of my "
        "knowledge."
    )

    @property
    def min_index(self) -> int:
        return self.scale.index(self.min_rating)

    @property
    def version(self) -> str:
        """Changes whenever the form does, so a signed evaluation names what it answered."""
        parts = [self.title, *self.scale, self.min_rating, self.statement]
        parts += [f"{c.id}|{c.title}|{c.domain}" for c in self.competencies]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ExperienceRule:
    """Rules on supervised practice and supervision beyond their totals (``[experience]``)."""

    #: at least this many approved practice hours in direct service (0: no split asked)
    direct_service_hours: float = 0
    #: at least one approved hour of supervision per this many approved practice hours (0: none)
    practice_hours_per_supervision_hour: float = 0
    #: group supervision counts toward the supervision total up to this share, in percent
    #: (100: no cap)
    group_supervision_max_percent: float = 100


@dataclass(frozen=True)
class SupervisorRule:
    """Who may sign off this track's hours and evaluations (``[supervisors]``): a supervisor's
    recorded credential must name one of these (matched as whole words, any case). Empty: any
    assigned supervisor may."""

    credentials: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Confirmation:
    """A yes/no item a lead confirms for a trainee (``[[confirmations]]``), e.g. "High-school
    diploma or GED seen". Only yes/no and who confirmed it are stored, never documents or
    details (no criminal-history details, ever)."""

    id: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class ContinuingEducation:
    """Continuing-education hours to renew (``[renewal.continuing_education]``): approved CE
    records dated within the certificate's validity, each course counted once."""

    hours: float = 0
    #: domain id -> the least of the hours above in that domain (e.g. 6 in ethics)
    by_domain: Mapping[str, float] = field(default_factory=dict)
    #: reminders this many days before the certificate expires
    reminder_days: tuple[int, ...] = (90, 30)


# --- facts (what a trainee has done), gathered by the web app ----------------------------------


@dataclass(frozen=True)
class AttendedEvent:
    """A live training event the trainee attended, in full or part, with the hours it gives
    (the event's hours by domain, in proportion to the minutes attended)."""

    title: str
    day: date
    minutes_attended: int
    hours: Mapping[str, float]


@dataclass(frozen=True)
class OutsideTraining:
    """An approved record of training taken elsewhere (``kind`` "outside") or of continuing
    education (``kind`` "ce")."""

    id: int
    kind: str
    provider: str
    title: str
    day: date
    hours: Mapping[str, float]

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())


@dataclass(frozen=True)
class ExamOutcome:
    """The exam as far as eligibility needs it: passed or not, when, and a line to print."""

    passed: bool
    day: date | None = None
    detail: str = ""


@dataclass(frozen=True)
class EvaluationOutcome:
    """A signed competency evaluation: the rating (an index into the scale) per competency."""

    ratings: Mapping[str, int]
    signed_on: date
    supervisor_name: str
    rule_version: str
