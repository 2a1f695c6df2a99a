"""A course's facilitator's guide (``facilitator.md``): one live session a lead or supervisor runs.

The guide is Markdown like a module, with a shape the check holds it to, so that every course's
live session can actually be run from it:

- a title line ``# Facilitator's guide: …`` and a sentence saying ``One live session of N minutes``;
- ``## Agenda``: a table whose ``Minutes`` column adds up to exactly N;
- at least two ``## Role-play …`` sections, each with an ``### Observer checklist`` of at least
  three points an observer can tick;
- ``## Discussion questions`` with at least three numbered questions;
- ``## Safety notes for the facilitator``.

A guide that breaks the shape still loads (leads can read it); the check reports what to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from courses.rendering import stripped_html
from courses.toml_report import NOT_UTF8, display

FACILITATOR_FILE = "facilitator.md"
MIN_ROLE_PLAYS = 2
MIN_CHECKLIST_POINTS = 3
MIN_DISCUSSION_QUESTIONS = 3

_SESSION = re.compile(r"\bOne live session of (\d+) minutes\b")
_SECTION = re.compile(r"^## (.+?)\s*$")
_SUBSECTION = re.compile(r"^### (.+?)\s*$")
_BULLET = re.compile(r"^\s*[-*] \S")
_NUMBERED = re.compile(r"^\s*\d+[.)] \S")


@dataclass(frozen=True)
class RolePlay:
    title: str
    checklist_points: int
    line: int


@dataclass(frozen=True)
class FacilitatorGuide:
    title: str
    markdown: str
    #: the minutes the opening sentence promises, or None when it is missing
    session_minutes: int | None
    #: the agenda's Minutes column, row by row (None for a cell that is not a whole number)
    agenda_minutes: tuple[int | None, ...]
    role_plays: tuple[RolePlay, ...]
    discussion_questions: int
    sections: tuple[str, ...]
    source: str = field(default="", compare=False)
    #: problems found while reading it (title line, raw HTML): (line, message)
    read_problems: tuple[tuple[int | None, str], ...] = field(default=(), compare=False)


def load_guide(folder: Path) -> FacilitatorGuide | None:
    """The course folder's facilitator's guide, or None when it has none."""
    path = folder / FACILITATOR_FILE
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        guide = parse_guide("", source=display(path))
        return replace(guide, read_problems=((None, NOT_UTF8),))
    return parse_guide(text, source=display(path))


def parse_guide(text: str, source: str = "") -> FacilitatorGuide:
    lines = text.splitlines()
    problems: list[tuple[int | None, str]] = list(stripped_html(text))
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    title = ""
    if first is None or not lines[first].startswith("# Facilitator's guide"):
        problems.append((1, 'the first line must be "# Facilitator\'s guide: <course title>"'))
    else:
        title = lines[first][2:].strip()
    session = _SESSION.search(text)
    sections = _sections(lines)
    bodies = {heading: body for heading, (_, body) in sections.items()}
    return FacilitatorGuide(
        title=title,
        markdown="\n".join(lines[first + 1 :]).strip() if first is not None else "",
        session_minutes=int(session.group(1)) if session else None,
        agenda_minutes=_agenda_minutes(bodies.get("Agenda", [])),
        role_plays=tuple(
            RolePlay(heading, _checklist_points(body), line)
            for heading, (line, body) in sections.items()
            if heading.startswith("Role-play")
        ),
        discussion_questions=sum(
            1 for _, line in bodies.get("Discussion questions", []) if _NUMBERED.match(line)
        ),
        sections=tuple(sections),
        source=source,
        read_problems=tuple(problems),
    )


def guide_problems(guide: FacilitatorGuide, course_id: str) -> list[str]:
    """What keeps the guide from being one runnable session: messages naming file and line."""
    where = guide.source or f"courses/{course_id}/{FACILITATOR_FILE}"
    found = [f"{where}:{line}: {m}" if line else f"{where}: {m}" for line, m in guide.read_problems]
    if guide.session_minutes is None:
        found.append(f'{where}: say how long the session is: "One live session of 90 minutes …"')
    if "Agenda" not in guide.sections:
        found.append(f'{where}: no "## Agenda" section')
    elif not guide.agenda_minutes or None in guide.agenda_minutes:
        found.append(f"{where}: the agenda needs a table with a Minutes column of whole numbers")
    elif guide.session_minutes is not None and sum(guide.agenda_minutes) != guide.session_minutes:
        found.append(
            f"{where}: the agenda adds up to {sum(guide.agenda_minutes)} minutes, "
            f"not the {guide.session_minutes} the guide promises"
        )
    if len(guide.role_plays) < MIN_ROLE_PLAYS:
        found.append(f'{where}: write at least {MIN_ROLE_PLAYS} "## Role-play …" sections')
    for play in guide.role_plays:
        if play.checklist_points < MIN_CHECKLIST_POINTS:
            found.append(
                f'{where}:{play.line}: "{play.title}" needs an "### Observer checklist" of at '
                f"least {MIN_CHECKLIST_POINTS} points"
            )
    if guide.discussion_questions < MIN_DISCUSSION_QUESTIONS:
        found.append(
            f'{where}: "## Discussion questions" needs at least {MIN_DISCUSSION_QUESTIONS} '
            "numbered questions"
        )
    if "Safety notes for the facilitator" not in guide.sections:
        found.append(f'{where}: no "## Safety notes for the facilitator" section')
    return found


def _sections(lines: list[str]) -> dict[str, tuple[int, list[tuple[int, str]]]]:
    """Each ``##`` heading: its line number and its lines (numbered), up to the next ``##``."""
    found: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    current: list[tuple[int, str]] | None = None
    for number, line in enumerate(lines, start=1):
        match = _SECTION.match(line)
        if match:
            current = []
            found[match.group(1)] = (number, current)
        elif current is not None:
            current.append((number, line))
    return found


def _agenda_minutes(body: list[tuple[int, str]]) -> tuple[int | None, ...]:
    rows = [line.strip().strip("|").split("|") for _, line in body if line.strip().startswith("|")]
    if not rows:
        return ()
    header = [cell.strip().lower() for cell in rows[0]]
    if "minutes" not in header:
        return ()
    column = header.index("minutes")
    minutes: list[int | None] = []
    for row in rows[1:]:
        cells = [cell.strip() for cell in row]
        if all(re.fullmatch(r":?-+:?", cell) for cell in cells if cell):
            continue  # the |---|---| rule under the header
        cell = cells[column] if column < len(cells) else ""
        minutes.append(int(cell) if re.fullmatch(r"[0-9]{1,4}", cell) else None)
    return tuple(minutes)


def _checklist_points(body: list[tuple[int, str]]) -> int:
    points, inside = 0, False
    for _, line in body:
        match = _SUBSECTION.match(line)
        if match:
            inside = match.group(1).lower() == "observer checklist"
        elif inside and _BULLET.match(line):
            points += 1
    return points
