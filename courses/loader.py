"""Load and check a ``content/`` folder.

``load_library`` returns every course that passed the check and one plain message per problem,
naming the file and, where it can, the line. A course with any problem is left out whole, so the
site never serves half-checked content. The layout and format are described in content/README.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from courses.domains import DOMAINS
from courses.facilitation import FACILITATOR_FILE, load_guide
from courses.model import DELIVERIES, DELIVERY_SELF_PACED, Course, Library, Module
from courses.practice_loader import load_practice
from courses.quiz_loader import load_quiz
from courses.rendering import stripped_html
from courses.toml_report import (
    ID_PATTERN,
    Report,
    bool_setting,
    display,
    open_toml,
    read_utf8,
    required_text,
    unknown_fields,
)

#: module ids whose address a course page already has (/learn/<course>/quiz, the facilitator's
#: guide in facilitator.md)
RESERVED_MODULE_IDS = {"quiz", "facilitator"}

COURSE_FIELDS = {
    "title",
    "summary",
    "order",
    "modules",
    "training_hours",
    "delivery",
    "quiz_requires_modules",
}


def files_version(paths: list[Path], base: Path) -> str:
    """A short hash of file names and contents: it changes whenever any of them changes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def load_library(root: Path) -> Library:
    """Load every course under ``root/courses``; problems are collected, never raised."""
    root = Path(root)
    problems: list[str] = []
    courses_dir = root / "courses"
    if not courses_dir.is_dir():
        return Library(problems=(f"{root}: no courses/ folder here",))
    courses = []
    for folder in sorted(p for p in courses_dir.iterdir() if p.is_dir()):
        course = load_course(folder, root, problems)
        if course is not None:
            courses.append(course)
    courses.sort(key=lambda c: (c.order, c.title))
    digest = hashlib.sha256("".join(c.version for c in courses).encode()).hexdigest()[:12]
    return Library(courses=tuple(courses), version=digest, problems=tuple(problems))


def load_course(folder: Path, root: Path, problems: list[str]) -> Course | None:
    """Load one course folder, or return ``None`` after adding its problems to ``problems``."""
    before = len(problems)
    course_id = folder.name
    if not ID_PATTERN.match(course_id):
        problems.append(
            f"{display(folder)}: folder name must use lower-case letters, digits and hyphens only"
        )
    opened = open_toml(folder, "course.toml", root, problems)
    if opened is None:
        return None
    report, data = opened

    unknown_fields(data, COURSE_FIELDS, report)
    title = required_text(data, "title", report)
    summary = required_text(data, "summary", report)
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        report.add("order must be a whole number", report.line_of("order"))
        order = 100
    delivery = data.get("delivery", DELIVERY_SELF_PACED)
    if delivery not in DELIVERIES:
        report.add(f"delivery must be one of {', '.join(DELIVERIES)}", report.line_of("delivery"))
    quiz_requires_modules = bool_setting(data, "quiz_requires_modules", report)
    hours = _training_hours(data.get("training_hours"), report)
    modules = _modules(folder, root, data.get("modules"), report, problems)
    module_ids = {m.id for m in modules}
    quiz = load_quiz(folder, root, module_ids, problems)
    exercises = load_practice(folder, root, module_ids, problems)

    if len(problems) > before or quiz is None or exercises is None:
        return None
    modules = [replace(m, exercises=exercises.get(m.id, ())) for m in modules]
    version = files_version([p for p in folder.rglob("*") if p.is_file()], folder)
    return Course(
        id=course_id,
        title=title,
        summary=summary,
        order=order,
        modules=tuple(modules),
        quiz=quiz,
        training_hours=hours,
        version=version,
        delivery=delivery,
        quiz_requires_modules=quiz_requires_modules,
        facilitator_guide=load_guide(folder),
    )


def _training_hours(raw: Any, report: Report) -> dict[str, float]:
    if not isinstance(raw, dict) or not raw:
        report.add(
            "[training_hours] is missing: give the estimated hours per domain "
            f"({', '.join(DOMAINS)})"
        )
        return {}
    hours: dict[str, float] = {}
    for domain, value in raw.items():
        line = report.line_of(domain)
        if domain not in DOMAINS:
            report.add(f'unknown domain "{domain}" (use {", ".join(DOMAINS)})', line)
        elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            report.add(f"hours for {domain} must be a number above zero", line)
        elif (value * 2) != int(value * 2):
            report.add(f"hours for {domain} must be whole or half hours", line)
        else:
            hours[domain] = float(value)
    return hours


def _modules(
    folder: Path, root: Path, raw: Any, report: Report, problems: list[str]
) -> list[Module]:
    line = report.line_of("modules")
    if not isinstance(raw, list) or not raw or not all(isinstance(m, str) for m in raw):
        report.add('"modules" must list the module file names in order, like ["intro"]', line)
        return []
    modules = []
    seen: set[str] = set()
    for module_id in raw:
        if module_id in seen:
            report.add(f'module "{module_id}" is listed twice', line)
            continue
        seen.add(module_id)
        path = folder / f"{module_id}.md"
        if module_id in RESERVED_MODULE_IDS:
            report.add(
                f'"{module_id}" cannot be a module id: the course\'s {module_id} page has that '
                "address; rename the file",
                line,
            )
        elif not ID_PATTERN.match(module_id):
            report.add(f'module id "{module_id}" must use lower-case letters, digits and hyphens')
        elif not path.is_file():
            report.add(f'module "{module_id}" is listed but {module_id}.md is missing', line)
        else:
            module = _module(path, root, problems)
            if module is not None:
                modules.append(module)
    for path in sorted(folder.glob("*.md")):
        if path.stem not in seen and path.name != FACILITATOR_FILE:
            report.add(f'{path.name} is not listed in "modules"', line)
    return modules


def _module(path: Path, root: Path, problems: list[str]) -> Module | None:
    text = read_utf8(path, problems)
    if text is None:
        return None
    report = Report(path, text, problems)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not re.match(r"^# \S", lines[first]):
        report.add('the first line must be the module title, like "# What empathy is"', 1)
        return None
    title = lines[first][2:].strip()
    body = "\n".join(lines[first + 1 :]).strip()
    if not body:
        report.add("the module has a title but no text")
    for line, message in stripped_html(text):
        report.add(message, line)
    if report.count:
        return None
    words = len(re.findall(r"[A-Za-z0-9'’]+", body))
    return Module(id=path.stem, title=title, markdown=body, word_count=words)
