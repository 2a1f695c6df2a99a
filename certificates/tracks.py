"""Certification tracks, as data: one TOML file per track in ``content/tracks/``.

A track says what a trainee needs for the credential. This version reads the hours it asks for;
courses, attestations and validity are added to the same file format as they are built.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certificates.hours import HoursRules
from courses.domains import DOMAINS

TRACK_FIELDS = {"title", "summary", "supervised_practice", "supervision"}


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    summary: str
    hours: HoursRules = field(default_factory=HoursRules)


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
    text = path.read_text(encoding="utf-8")

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
    return Track(
        id=path.stem,
        title=str(data.get("title", "")).strip(),
        summary=str(data.get("summary", "")).strip(),
        hours=HoursRules(practice, supervision, by_domain),
    )


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
