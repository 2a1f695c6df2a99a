"""Certification tracks, as data: one TOML file per track in ``content/tracks/``.

A track says what a trainee needs for the program's certificate: courses, training hours by
domain, supervised practice and supervision, attestations to sign, validity and renewal (read
here), and the rest of its rulebook (training events and outside training, an exam, a competency
evaluation, experience and supervisor rules, lead confirmations, continuing education), read by
``certificates.track_sections``. ``certificates.track_check`` checks a track against the courses.
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
from certificates.track_sections import (
    SECTION_FIELDS,
    Problem,
    domain_hours,
    hours_of,
    id_of,
    is_hours,
    read_sections,
    table_of,
    tables_of,
    text_of,
    unique_ids,
)
from courses.domains import DOMAINS
from courses.toml_report import NOT_UTF8

TRACK_FIELDS = SECTION_FIELDS | {
    "title",
    "summary",
    "credential_description",
    "supervised_practice",
    "supervision",
    "courses",
    "training_hours",
    "validity_months",
    "auto_issue",
    "attestation",
    "attestations",
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
        """Changes whenever the text does, so a signature names what was signed (the id is not
        part of it: signatures of the single [attestation] stay valid under [[attestations]])."""
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
    #: what the certificate certifies, in the third person, for the Open Badges credential
    #: (the summary speaks to the trainee); empty: the credential says it in general words
    credential_description: str = ""
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


_HEADER = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?\s*(#.*)?$")


def line_of(text: str, key: str) -> int | None:
    """The line a key is on. ``key`` is a path: ``"title"``, ``"exam.pass_percent"`` (the key in
    its table), ``"training.events#1.hours"`` (in the second ``[[training.events]]``). Where the
    key itself is not written, the line of the nearest table that holds it."""
    lines = text.splitlines()
    parts = [part.partition("#") for part in key.split(".")]
    names = [name for name, _, _ in parts]
    for depth in range(len(parts), 0, -1):
        header = ".".join(names[:depth])
        index = int(parts[depth - 1][2] or 0)
        found = [n for n, line in enumerate(lines) if _header_name(line) == header]
        if len(found) <= index:
            continue
        if depth == len(parts):
            return found[index] + 1
        inner = _key_in_table(lines, found[index] + 1, names[depth])
        return inner if inner is not None else found[index] + 1
    return _key_in_table(lines, 0, names[-1], stop_at_header=False)


def _header_name(line: str) -> str | None:
    match = _HEADER.match(line)
    return re.sub(r"\s*\.\s*", ".", match.group(1)) if match else None


def _key_in_table(lines: list[str], start: int, name: str, stop_at_header=True) -> int | None:
    pattern = re.compile(rf"\s*{re.escape(name)}\s*=")
    for number in range(start, len(lines)):
        if stop_at_header and _header_name(lines[number]) is not None:
            return None
        if pattern.match(lines[number]):
            return number + 1
    return None


def _load_track(path: Path, problems: list[str]) -> Track | None:
    name = f"tracks/{path.name}"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{name}: {NOT_UTF8}")
        return None

    def problem(message: str, key: str | None = None) -> None:
        line = line_of(text, key) if key else None
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
    described = data.get("credential_description", "")
    if not isinstance(described, str) or (
        "credential_description" in data and not described.strip()
    ):
        problem('"credential_description" must be text (or leave it out)', "credential_description")
        described = ""
    practice = _section_minutes(data.get("supervised_practice", {}), "supervised_practice", problem)
    supervision_table = data.get("supervision", {})
    supervision = _section_minutes(supervision_table, "supervision", problem)
    by_domain: dict[str, int] = {}
    raw_domains = (
        supervision_table.get("by_domain", {}) if isinstance(supervision_table, dict) else {}
    )
    for domain, value in raw_domains.items():
        where = f"supervision.by_domain.{domain}"
        if domain not in DOMAINS:
            problem(f'unknown domain "{domain}" (use {", ".join(DOMAINS)})', where)
        elif not is_hours(value):
            problem(
                f"hours for {domain} must be a number of at least zero, in quarter hours", where
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
        where = f"training_hours.{domain}"
        if domain not in DOMAINS:
            problem(f'unknown domain "{domain}" (use {", ".join(DOMAINS)})', where)
        elif not is_hours(value):
            problem(f"training hours for {domain} must be a number of at least zero", where)
        else:
            training[domain] = float(value)
    validity = data.get("validity_months", 24)
    if isinstance(validity, bool) or not isinstance(validity, int) or not 1 <= validity <= 600:
        problem("validity_months must be a whole number of months from 1 to 600", "validity_months")
        validity = 24
    auto_issue = data.get("auto_issue", False)
    if not isinstance(auto_issue, bool):
        problem("auto_issue must be true or false", "auto_issue")
        auto_issue = False
    sections = read_sections(data, problem, training_hours=training, practice_minutes=practice)
    return Track(
        id=path.stem,
        title=str(data.get("title", "")).strip(),
        summary=str(data.get("summary", "")).strip(),
        credential_description=described.strip(),
        hours=HoursRules(practice, supervision, by_domain),
        courses=courses,
        training_hours=training,
        validity_months=validity,
        auto_issue=auto_issue,
        attestations=_attestations(data, path.parent, problem),
        renewal=_renewal(data.get("renewal", {}), problem),
        training=sections.training,
        exam=sections.exam,
        evaluation=sections.evaluation,
        experience=sections.experience,
        supervisors=sections.supervisors,
        confirmations=sections.confirmations,
    )


def _id_list(raw: Any, key: str, problem: Problem) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problem(f'"{key}" must be a list of course ids, like ["empathy"]', key)
        return ()
    return tuple(raw)


def _attestations(data: dict[str, Any], folder: Path, problem: Problem) -> tuple[Attestation, ...]:
    """``[[attestations]]``, each with its id, or the single ``[attestation]`` (the code of
    ethics, id "code-of-ethics"), not both."""
    if "attestations" not in data:
        single = data.get("attestation")
        found = _attestation(single, None, folder, problem) if single is not None else None
        return (found,) if found else ()
    if "attestation" in data:
        problem("use either [attestation] or [[attestations]], not both", "attestation")
    raw = tables_of(data["attestations"], "attestations", problem)
    if not raw:
        problem("[[attestations]] needs at least one attestation (or leave it out)", "attestations")
    found = [_attestation(item, n, folder, problem) for n, item in enumerate(raw)]
    attestations = tuple(a for a in found if a is not None)
    unique_ids([a.id for a in attestations], "attestations", "attestations", problem)
    return attestations


def _attestation(
    raw: Any, number: int | None, folder: Path, problem: Problem
) -> Attestation | None:
    """One of ``[[attestations]]`` (``number`` counts from 0), or the single ``[attestation]``
    (``number`` None), which has no id: it is the code of ethics."""
    single = number is None
    key = "attestation" if single else f"attestations#{number}"
    label = "[attestation]" if single else f"[[attestations]] number {number + 1}"
    fields = {"title", "file", "statement"} | (set() if single else {"id"})
    if table_of(raw, key, fields, problem, label) is None:
        return None
    attestation_id = "code-of-ethics" if single else id_of(raw, key, label, problem)
    title, file, statement = (
        text_of(raw, n, key, label, problem) for n in ("title", "file", "statement")
    )
    if not (attestation_id and title and file and statement):
        return None
    text_path = folder / file
    if Path(file).name != file or not text_path.is_file():
        problem(
            f"the attestation text {file} is missing (put it next to the track file)",
            f"{key}.file",
        )
        return None
    try:
        text = text_path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problem(f"the attestation text {file} {NOT_UTF8}", f"{key}.file")
        return None
    return Attestation(title, statement, text.strip(), attestation_id)


def _renewal(raw: Any, problem: Problem) -> Renewal:
    fields = {"courses", "attestation", "description", "continuing_education"}
    if not isinstance(raw, dict) or set(raw) - fields:
        problem(
            "[renewal] takes courses, attestation, description and continuing_education", "renewal"
        )
        return Renewal()
    attest = raw.get("attestation", False)
    if not isinstance(attest, bool):
        problem("renewal attestation must be true or false", "renewal.attestation")
        attest = False
    ce = raw.get("continuing_education")
    return Renewal(
        courses=_id_list(raw.get("courses", []), "renewal.courses", problem),
        attestation=attest,
        description=str(raw.get("description", "")).strip(),
        continuing_education=_continuing_education(ce, problem)
        if ce is not None
        else ContinuingEducation(),
    )


def _continuing_education(raw: Any, problem: Problem) -> ContinuingEducation:
    """``[renewal.continuing_education]``: the CE hours a renewal needs."""
    key = "renewal.continuing_education"
    label = f"[{key}]"
    table = table_of(raw, key, {"hours", "by_domain", "reminder_days"}, problem)
    if table is None:
        return ContinuingEducation()
    hours = hours_of(table, "hours", key, label, problem)
    by_domain = domain_hours(
        table.get("by_domain", {}), f"{key}.by_domain", f"by_domain in {label}", problem
    )
    if sum(by_domain.values()) > hours:
        problem(
            f"the hours by domain in {label} add up to {sum(by_domain.values()):g}, more than "
            f"its hours ({hours:g})",
            f"{key}.by_domain",
        )
    days = table.get("reminder_days", [90, 30])
    if (
        not isinstance(days, list)
        or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 3650 for d in days)
        or len(set(days)) != len(days)
    ):
        problem(
            f"reminder_days in {label} must list different whole numbers of days from 1 to "
            "3650, like [90, 30]",
            f"{key}.reminder_days",
        )
        days = [90, 30]
    return ContinuingEducation(hours, by_domain, tuple(sorted(days, reverse=True)))


def _section_minutes(table: Any, key: str, problem: Problem) -> int:
    """The hours of [supervised_practice] or [supervision], in minutes."""
    if not isinstance(table, dict):
        problem(f"[{key}] must be a table with hours = …", key)
        return 0
    unknown = (
        set(table) - {"hours", "by_domain"} if key == "supervision" else set(table) - {"hours"}
    )
    for extra in sorted(unknown):
        problem(f'unknown field "{extra}" in [{key}]', f"{key}.{extra}")
    value = table.get("hours", 0)
    if not is_hours(value):
        problem(f"[{key}] hours must be a number of at least zero, in quarter hours", key)
        return 0
    return round(value * 60)
