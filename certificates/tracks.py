"""Certification tracks, as data: one TOML file per track in ``content/tracks/``.

A track says what a trainee needs for the credential. This version reads the hours it asks for;
courses, attestations and validity are added to the same file format as they are built.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from certificates.hours import HoursRules
from certificates.rulebook import (
    Confirmation,
    ContinuingEducation,
    EvaluationRule,
    ExamRule,
    ExperienceRule,
    SupervisorRule,
    TrainingRule,
)
from courses.domains import DOMAINS
from courses.toml_report import NOT_UTF8

TRACK_FIELDS = {
    "title",
    "summary",
    "supervised_practice",
    "supervision",
    "courses",
    "training_hours",
    "validity_months",
    "auto_issue",
    "attestation",
    "renewal",
}


@dataclass(frozen=True)
class Attestation:
    """A text the trainee signs in the app, e.g. a code of ethics shipped with the track."""

    title: str
    statement: str
    text: str
    #: names the attestation within its track, e.g. "code-of-ethics", "lived-experience"
    id: str = "code-of-ethics"

    @property
    def version(self) -> str:
        """Changes whenever the text does, so a signature names what was signed."""
        return hashlib.sha256((self.title + self.statement + self.text).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Renewal:
    courses: tuple[str, ...] = ()
    #: sign the attestations again (every one the track has)
    attestation: bool = False
    description: str = ""
    continuing_education: ContinuingEducation = field(default_factory=ContinuingEducation)


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    summary: str
    hours: HoursRules = field(default_factory=HoursRules)
    courses: tuple[str, ...] = ()
    #: training hours needed per domain, earned by completing courses that declare them
    training_hours: dict[str, float] = field(default_factory=dict)
    validity_months: int = 24
    auto_issue: bool = False
    #: texts the trainee signs, in order (the code of ethics first, where there is one)
    attestations: tuple[Attestation, ...] = ()
    renewal: Renewal = field(default_factory=Renewal)
    training: TrainingRule = field(default_factory=TrainingRule)
    exam: ExamRule | None = None
    evaluation: EvaluationRule | None = None
    experience: ExperienceRule = field(default_factory=ExperienceRule)
    supervisors: SupervisorRule = field(default_factory=SupervisorRule)
    #: yes/no items a lead confirms for each trainee
    confirmations: tuple[Confirmation, ...] = ()

    @property
    def attestation(self) -> Attestation | None:
        """The first attestation (the code of ethics, where the track has one)."""
        return self.attestations[0] if self.attestations else None

    def attestation_by_id(self, attestation_id: str) -> Attestation | None:
        return next((a for a in self.attestations if a.id == attestation_id), None)

    def expiry(self, start: date) -> date:
        """When a certificate valid from ``start`` expires (calendar months, so 29 February
        plus 24 months is 28 February)."""
        return start + relativedelta(months=self.validity_months)


@dataclass(frozen=True)
class TrackSet:
    tracks: tuple[Track, ...] = ()
    problems: tuple[str, ...] = ()

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)


def load_tracks(root: Path) -> TrackSet:
    """Every track file under ``root/tracks`` that passes the check, and the problems found."""
    folder = Path(root) / "tracks"
    tracks, problems = [], []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        before = len(problems)
        track = _load_track(path, problems)
        if track is not None and len(problems) == before:
            tracks.append(track)
    return TrackSet(tuple(tracks), tuple(problems))


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*(\[{re.escape(key)}\]|{re.escape(key)}\s*=)", line):
            return number
    return None


def _load_track(path: Path, problems: list[str]) -> Track | None:
    name = f"tracks/{path.name}"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{name}: {NOT_UTF8}")
        return None

    def problem(message: str, key: str | None = None) -> None:
        line = _line_of(text, key) if key else None
        problems.append(f"{name}:{line}: {message}" if line else f"{name}: {message}")

    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problem(f"this is not valid TOML: {error}")
        return None
    for key in sorted(set(data) - TRACK_FIELDS):
        problem(f'unknown field "{key}"', key)
    for key in ("title", "summary"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problem(f'"{key}" is missing or empty', key)
    practice = _hours(data.get("supervised_practice", {}), "supervised_practice", problem)
    supervision_table = data.get("supervision", {})
    supervision = _hours(supervision_table, "supervision", problem)
    by_domain: dict[str, int] = {}
    raw_domains = (
        supervision_table.get("by_domain", {}) if isinstance(supervision_table, dict) else {}
    )
    for domain, value in raw_domains.items():
        if domain not in DOMAINS:
            problem(f'unknown domain "{domain}" (use {", ".join(DOMAINS)})', domain)
        elif not _is_hours(value):
            problem(
                f"hours for {domain} must be a number of at least zero, in quarter hours", domain
            )
        else:
            by_domain[domain] = round(value * 60)
    if sum(by_domain.values()) > supervision:
        problem(
            "the supervision hours by domain add up to more than the supervision total",
            "supervision.by_domain",
        )
    courses = _id_list(data.get("courses", []), "courses", problem)
    training: dict[str, float] = {}
    raw_training = data.get("training_hours", {})
    if not isinstance(raw_training, dict):
        problem("[training_hours] must be a table of domain = hours", "training_hours")
        raw_training = {}
    for domain, value in raw_training.items():
        if domain not in DOMAINS:
            problem(f'unknown domain "{domain}" (use {", ".join(DOMAINS)})', domain)
        elif not _is_hours(value):
            problem(f"training hours for {domain} must be a number of at least zero", domain)
        else:
            training[domain] = float(value)
    validity = data.get("validity_months", 24)
    if isinstance(validity, bool) or not isinstance(validity, int) or validity < 1:
        problem("validity_months must be a whole number of months, at least 1", "validity_months")
        validity = 24
    auto_issue = data.get("auto_issue", False)
    if not isinstance(auto_issue, bool):
        problem("auto_issue must be true or false", "auto_issue")
        auto_issue = False
    attestation = _attestation(path, data.get("attestation"), problem)
    renewal = _renewal(data.get("renewal", {}), problem)
    return Track(
        id=path.stem,
        title=str(data.get("title", "")).strip(),
        summary=str(data.get("summary", "")).strip(),
        hours=HoursRules(practice, supervision, by_domain),
        courses=courses,
        training_hours=training,
        validity_months=validity,
        auto_issue=auto_issue,
        attestations=(attestation,) if attestation else (),
        renewal=renewal,
    )


def _id_list(raw: Any, key: str, problem: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problem(f'"{key}" must be a list of course ids, like ["empathy"]', key)
        return ()
    return tuple(raw)


def _attestation(path: Path, raw: Any, problem: Any) -> Attestation | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"title", "file", "statement"}:
        problem("[attestation] takes title, file and statement", "attestation")
        return None
    missing = [k for k in ("title", "file", "statement") if not isinstance(raw.get(k), str)]
    if missing:
        problem(f"[attestation] needs {', '.join(missing)}", "attestation")
        return None
    text_path = path.parent / raw["file"]
    if not text_path.is_file():
        problem(
            f"the attestation text {raw['file']} is missing (put it next to the track file)", "file"
        )
        return None
    try:
        text = text_path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problem(f"the attestation text {raw['file']} {NOT_UTF8}", "file")
        return None
    return Attestation(raw["title"].strip(), raw["statement"].strip(), text.strip())


def _renewal(raw: Any, problem: Any) -> Renewal:
    if not isinstance(raw, dict) or set(raw) - {"courses", "attestation", "description"}:
        problem("[renewal] takes courses, attestation and description", "renewal")
        return Renewal()
    attest = raw.get("attestation", False)
    if not isinstance(attest, bool):
        problem("renewal attestation must be true or false", "renewal")
        attest = False
    return Renewal(
        courses=_id_list(raw.get("courses", []), "renewal.courses", problem),
        attestation=attest,
        description=str(raw.get("description", "")).strip(),
    )


def check_against_courses(tracks: TrackSet, course_ids: set[str]) -> list[str]:
    """Problems where a track names a course the content does not have."""
    problems = []
    for track in tracks.tracks:
        for course_id in (*track.courses, *track.renewal.courses):
            if course_id not in course_ids:
                problems.append(f'tracks/{track.id}.toml: course "{course_id}" does not exist')
    return problems


def _is_hours(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value >= 0
        and value * 4 == int(value * 4)
    )


def _hours(table: Any, key: str, problem: Any) -> int:
    if not isinstance(table, dict):
        problem(f"[{key}] must be a table with hours = …", key)
        return 0
    unknown = (
        set(table) - {"hours", "by_domain"} if key == "supervision" else set(table) - {"hours"}
    )
    for extra in sorted(unknown):
        problem(f'unknown field "{extra}" in [{key}]', extra)
    value = table.get("hours", 0)
    if not _is_hours(value):
        problem(f"[{key}] hours must be a number of at least zero, in quarter hours", key)
        return 0
    return round(value * 60)
