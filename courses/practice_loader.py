"""Load and check a course's optional ``practice.toml``: written exercises a supervisor reviews.

The format is described in content/README.md. Every exercise belongs to one module and is shown at
the end of it; the loader returns them grouped by module id, in the order they are written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from courses.model import Exercise
from courses.rendering import stripped_html
from courses.toml_report import (
    ID_PATTERN,
    Report,
    one_line_text,
    open_toml,
    unknown_fields,
)

PRACTICE_FIELDS = {"exercises"}
EXERCISE_FIELDS = {"id", "module", "title", "minutes", "scenario", "prompt", "criteria"}
EXERCISE_MINUTES = (5, 60)
CRITERIA_COUNT = (2, 6)
#: the longest title, prompt or criterion, in characters: each is one line on the page
LINE_LIMIT = 200


def load_practice(
    folder: Path, root: Path, module_ids: set[str], problems: list[str]
) -> dict[str, tuple[Exercise, ...]] | None:
    """The exercises of ``folder/practice.toml`` by module id: ``{}`` when there is no such file,
    ``None`` after adding its problems to ``problems``."""
    if not (folder / "practice.toml").is_file():
        return {}
    opened = open_toml(folder, "practice.toml", root, problems)
    if opened is None:
        return None
    report, data = opened
    unknown_fields(data, PRACTICE_FIELDS, report)
    raw_exercises = data.get("exercises")
    if not isinstance(raw_exercises, list) or not raw_exercises:
        report.add("practice.toml has no exercises: add [[exercises]] blocks or delete the file")
        return None
    headers = report.table_lines("exercises")
    seen: set[str] = set()
    by_module: dict[str, list[Exercise]] = {}
    for index, raw in enumerate(raw_exercises, start=1):
        header = headers[index - 1] if index <= len(headers) else None
        exercise = _exercise(raw, index, header, module_ids, seen, report)
        if exercise is not None:
            by_module.setdefault(exercise.module_id, []).append(exercise)
    if report.count:
        return None
    return {module_id: tuple(exercises) for module_id, exercises in by_module.items()}


def _exercise(
    raw: Any,
    index: int,
    header: int | None,
    module_ids: set[str],
    seen: set[str],
    report: Report,
) -> Exercise | None:
    if not isinstance(raw, dict):
        report.add(f"exercise {index} is not an [[exercises]] table")
        return None
    eid = raw.get("id")
    label = f'exercise "{eid}"' if isinstance(eid, str) else f"exercise {index}"
    line = report.line_of("id", eid, after=header or 0) if isinstance(eid, str) else header
    start = header or (line or 1) - 1
    errors_before = report.count

    def field_line(key: str) -> int | None:
        return report.line_of(key, after=start)

    if not isinstance(eid, str) or not ID_PATTERN.match(eid):
        report.add(f"{label} needs an id of lower-case letters, digits and hyphens", line)
    elif eid in seen:
        report.add(f'exercise id "{eid}" is used twice', line)
    else:
        seen.add(eid)
    unknown_fields(raw, EXERCISE_FIELDS, report, label, after=start)

    module_id = raw.get("module")
    if not isinstance(module_id, str) or not module_id:
        report.add(f"{label}: give the module it belongs to (module = ...)", line)
    elif module_id not in module_ids:
        report.add(
            f'{label}: module "{module_id}" is not one of this course\'s modules',
            field_line("module"),
        )
    title = one_line_text(raw, "title", report, label, field_line("title") or line, LINE_LIMIT)
    prompt = one_line_text(raw, "prompt", report, label, field_line("prompt") or line, LINE_LIMIT)
    minutes = _minutes(raw.get("minutes"), label, field_line("minutes") or line, report)
    scenario = _scenario(raw.get("scenario"), label, field_line("scenario"), line, report)
    criteria = _criteria(raw.get("criteria"), label, field_line("criteria") or line, report)
    _minutes_backed(minutes, criteria, label, field_line("minutes") or line, report)
    if report.count > errors_before:
        return None
    return Exercise(
        id=eid,
        module_id=module_id,
        title=title,
        scenario=scenario,
        prompt=prompt,
        criteria=criteria,
        minutes=minutes,
        line=line,
    )


def _minutes(raw: Any, label: str, line: int | None, report: Report) -> int:
    low, high = EXERCISE_MINUTES
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        report.add(
            f"{label}: minutes must be a whole number from {low} to {high} (the time it takes)",
            line,
        )
        return 0
    return raw


#: What an exercise's declared minutes may be at most: a base for reading the scenario and
#: writing, plus this much for each point the response must show. Minutes count toward the
#: training hours a course may award, so they must be backed by what the trainee does.
MINUTES_BASE, MINUTES_PER_CRITERION = 10, 5


def _minutes_backed(
    minutes: int, criteria: tuple[str, ...], label: str, line: int | None, report: Report
) -> None:
    """Declared minutes no larger than an exercise with these criteria can take."""
    most = MINUTES_BASE + MINUTES_PER_CRITERION * len(criteria)
    if criteria and minutes > most:
        report.add(
            f"{label}: {minutes} minutes is more than an exercise with {len(criteria)} criteria "
            f"takes: at most {most} ({MINUTES_BASE}, plus {MINUTES_PER_CRITERION} for each "
            "criterion). Declared minutes count toward the hours a course awards.",
            line,
        )


def _scenario(raw: Any, label: str, line: int | None, fallback: int | None, report: Report) -> str:
    if not isinstance(raw, str) or not raw.strip():
        report.add(f'{label}: "scenario" is missing or empty', line or fallback)
        return ""
    # Lines of the scenario are lines of the file, counted from the line that opens it; a
    # multi-line string that starts with a line break begins on the next line.
    offset = 0
    if line is not None:
        opening = report.text.splitlines()[line - 1].split("=", 1)[1].strip()
        offset = line if opening in ('"""', "'''") else line - 1
    for number, message in stripped_html(raw):
        report.add(f"{label}: scenario: {message}", offset + number if number else line)
    return raw.strip()


def _criteria(raw: Any, label: str, line: int | None, report: Report) -> tuple[str, ...]:
    low, high = CRITERIA_COUNT
    if (
        not isinstance(raw, list)
        or not all(isinstance(c, str) and c.strip() for c in raw)
        or not low <= len(raw) <= high
    ):
        report.add(
            f"{label}: criteria must list {low} to {high} points a good answer shows, each in "
            'quotes, like criteria = ["Names a feeling", "Gives no advice"]',
            line,
        )
        return ()
    criteria = tuple(c.strip() for c in raw)
    for criterion in criteria:
        needle = _first_words(criterion)
        where = (needle and report.line_containing(needle, after=(line or 1) - 1)) or line
        if "\n" in criterion:
            report.add(f"{label}: each criterion must be one line", where)
        elif len(criterion) > LINE_LIMIT:
            report.add(
                f"{label}: a criterion is {len(criterion)} characters long; keep each to "
                f"{LINE_LIMIT}",
                where,
            )
    if len(set(criteria)) != len(criteria):
        report.add(f"{label}: criteria lists the same point twice", line)
    return criteria


def _first_words(text: str) -> str:
    """A short piece of ``text`` to find its line by (TOML escapes may change the rest)."""
    return re.split(r'["\\\n]', text, maxsplit=1)[0][:40]
