"""Load and check a ``content/`` folder.

``load_library`` returns every course that passed the check and one plain message per problem,
naming the file and, where it can, the line. A course with any problem is left out whole, so the
site never serves half-checked content. The layout and format are described in content/README.md.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from courses.domains import DOMAINS
from courses.model import REVIEW_POLICIES, Course, Library, Module, Option, Question, Quiz
from courses.questions import QUESTION_TYPES
from courses.rendering import stripped_html

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")

COURSE_FIELDS = {"title", "summary", "order", "modules", "training_hours"}
QUIZ_FIELDS = {"pass_mark", "max_attempts", "wait_minutes", "draw", "review", "questions"}
QUESTION_FIELDS = {"id", "type", "prompt", "options", "answer", "explanation", "hint", "module"}


class _Report:
    """Collects problems for one file, with line numbers looked up in its text."""

    def __init__(self, path: Path, base: Path, text: str, sink: list[str]) -> None:
        self.name = _display(path, base)
        self.text = text
        self.sink = sink
        self.count = 0

    def add(self, message: str, line: int | None = None) -> None:
        where = f"{self.name}:{line}" if line else self.name
        self.sink.append(f"{where}: {message}")
        self.count += 1

    def line_of(self, key: str, value: str | None = None, after: int = 0) -> int | None:
        """The first line (after line ``after``) that sets ``key`` (to ``value``, if given)."""
        pattern = rf"^\s*{re.escape(key)}\s*="
        if value is not None:
            pattern += rf"\s*[\"']{re.escape(value)}[\"']"
        for number, line in enumerate(self.text.splitlines(), start=1):
            if number > after and re.search(pattern, line):
                return number
        return None


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base.parent))
    except ValueError:
        return str(path)


def _open_toml(
    folder: Path, name: str, root: Path, problems: list[str]
) -> tuple[_Report, dict[str, Any]] | None:
    """Read ``folder/name`` as TOML, or report that it is missing or malformed."""
    path = folder / name
    if not path.is_file():
        problems.append(f"{_display(folder, root)}: {name} is missing")
        return None
    report = _Report(path, root, path.read_text(encoding="utf-8"), problems)
    data = _read_toml(path, report)
    return None if data is None else (report, data)


def _read_toml(path: Path, report: _Report) -> dict[str, Any] | None:
    try:
        return tomllib.loads(report.text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        report.add(f"this is not valid TOML: {error}", int(match.group(1)) if match else None)
        return None


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
            f"{_display(folder, root)}: folder name must use lower-case letters, digits and "
            "hyphens only"
        )
    opened = _open_toml(folder, "course.toml", root, problems)
    if opened is None:
        return None
    report, data = opened

    for key in sorted(set(data) - COURSE_FIELDS):
        report.add(f'unknown field "{key}"', report.line_of(key))
    title = _required_text(data, "title", report)
    summary = _required_text(data, "summary", report)
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        report.add("order must be a whole number", report.line_of("order"))
        order = 100
    hours = _training_hours(data.get("training_hours"), report)
    modules = _modules(folder, root, data.get("modules"), report, problems)
    quiz = _quiz(folder, root, {m.id for m in modules}, problems)

    if len(problems) > before or quiz is None:
        return None
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
    )


def _required_text(data: dict[str, Any], key: str, report: _Report, line: int | None = None) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        report.add(f'"{key}" is missing or empty', line or report.line_of(key))
        return ""
    return value.strip()


def _training_hours(raw: Any, report: _Report) -> dict[str, float]:
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
    folder: Path, root: Path, raw: Any, report: _Report, problems: list[str]
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
        if not ID_PATTERN.match(module_id):
            report.add(f'module id "{module_id}" must use lower-case letters, digits and hyphens')
        elif not path.is_file():
            report.add(f'module "{module_id}" is listed but {module_id}.md is missing', line)
        else:
            module = _module(path, root, problems)
            if module is not None:
                modules.append(module)
    for path in sorted(folder.glob("*.md")):
        if path.stem not in seen:
            report.add(f'{path.name} is not listed in "modules"', line)
    return modules


def _module(path: Path, root: Path, problems: list[str]) -> Module | None:
    text = path.read_text(encoding="utf-8")
    report = _Report(path, root, text, problems)
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


def _int_setting(data: dict[str, Any], key: str, default: int, low: int, report: _Report) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        report.add(f"{key} must be a whole number of at least {low}", report.line_of(key))
        return default
    return value


def _quiz(folder: Path, root: Path, module_ids: set[str], problems: list[str]) -> Quiz | None:
    opened = _open_toml(folder, "quiz.toml", root, problems)
    if opened is None:
        return None
    report, data = opened
    for key in sorted(set(data) - QUIZ_FIELDS):
        report.add(f'unknown field "{key}"', report.line_of(key))
    pass_mark = _int_setting(data, "pass_mark", 80, 1, report)
    if pass_mark > 100:
        report.add("pass_mark is a percentage: 100 at most", report.line_of("pass_mark"))
    max_attempts = _int_setting(data, "max_attempts", 0, 0, report)
    wait_minutes = _int_setting(data, "wait_minutes", 0, 0, report)
    review = data.get("review", REVIEW_POLICIES[0])
    if review not in REVIEW_POLICIES:
        report.add(f"review must be one of {', '.join(REVIEW_POLICIES)}", report.line_of("review"))

    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        report.add("the quiz has no questions: add [[questions]] blocks")
        return None
    questions = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions, start=1):
        question = _question(raw, index, module_ids, seen, report)
        if question is not None:
            questions.append(question)

    draw = data.get("draw")
    if draw is not None and (
        isinstance(draw, bool) or not isinstance(draw, int) or not 1 <= draw <= len(raw_questions)
    ):
        report.add(
            f"draw must be a whole number from 1 to {len(raw_questions)} (the number of questions)",
            report.line_of("draw"),
        )
    if report.count:
        return None
    return Quiz(
        questions=tuple(questions),
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        wait_minutes=wait_minutes,
        draw=draw,
        review=review,
    )


def _question(
    raw: Any, index: int, module_ids: set[str], seen: set[str], report: _Report
) -> Question | None:
    if not isinstance(raw, dict):
        report.add(f"question {index} is not a [[questions]] table")
        return None
    qid = raw.get("id")
    label = f'question "{qid}"' if isinstance(qid, str) else f"question {index}"
    line = report.line_of("id", qid) if isinstance(qid, str) else None
    errors_before = report.count

    if not isinstance(qid, str) or not QUESTION_ID_PATTERN.match(qid):
        report.add(f"{label} needs an id of letters, digits, - or _", line)
    elif qid in seen:
        report.add(f'question id "{qid}" is used twice', report.line_of("id", qid, after=line or 0))
    else:
        seen.add(qid)
    for key in sorted(set(raw) - QUESTION_FIELDS):
        report.add(f'{label}: unknown field "{key}"', report.line_of(key, after=(line or 1) - 1))

    def field_line(key: str) -> int | None:
        return report.line_of(key, after=(line or 1) - 1)

    qtype = QUESTION_TYPES.get(raw.get("type", ""))
    if qtype is None:
        report.add(f"{label}: type must be one of {', '.join(QUESTION_TYPES)}", field_line("type"))
        return None
    prompt = _required_text(raw, "prompt", report, field_line("prompt"))
    explanation = _required_text(raw, "explanation", report, field_line("explanation"))
    hint = raw.get("hint", "")
    if not isinstance(hint, str):
        report.add(f"{label}: hint must be text", field_line("hint"))
    module_id = raw.get("module")
    if module_id is not None and module_id not in module_ids:
        report.add(
            f'{label}: module "{module_id}" is not one of this course\'s modules',
            field_line("module"),
        )

    options = qtype.fixed_options()
    if options is None:
        options = _options(raw.get("options"), label, field_line("options"), report)
    elif "options" in raw:
        report.add(f"{label}: {qtype.name} questions have no options", field_line("options"))
    try:
        answer = qtype.parse_answer(raw.get("answer"), frozenset(o.id for o in options))
    except ValueError as error:
        report.add(f"{label}: {error}", field_line("answer"))
        return None
    if report.count > errors_before:
        return None
    return Question(
        id=qid,
        type=qtype,
        prompt=prompt,
        options=options,
        answer=answer,
        explanation=explanation,
        hint=hint.strip(),
        module_id=module_id,
    )


def _options(raw: Any, label: str, line: int | None, report: _Report) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        report.add(f"{label}: give at least two options", line)
        return ()
    options = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or set(item) != {"id", "text"}
            or not all(isinstance(v, str) and v.strip() for v in item.values())
        ):
            report.add(
                f'{label}: each option needs exactly an id and a text, like {{ id = "a", '
                'text = "..." }',
                line,
            )
            return ()
        if any(o.id == item["id"] for o in options):
            report.add(f'{label}: option id "{item["id"]}" is used twice', line)
        options.append(Option(item["id"], item["text"].strip()))
    return tuple(options)
