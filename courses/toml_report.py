"""Reading one content file and reporting its problems by file and line.

Shared by the loaders of course.toml (courses.loader), quiz.toml (courses.quiz_loader) and
practice.toml (courses.practice_loader), so every message names its place the same way.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Report:
    """Collects problems for one file, with line numbers looked up in its text."""

    def __init__(self, path: Path, text: str, sink: list[str]) -> None:
        self.name = display(path)
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

    def line_containing(self, needle: str, after: int = 0) -> int | None:
        """The first line (after line ``after``) whose text contains ``needle``."""
        for number, line in enumerate(self.text.splitlines(), start=1):
            if number > after and needle in line:
                return number
        return None

    def table_lines(self, name: str) -> list[int]:
        """The lines of the ``[[name]]`` headers, in order (one per table of the array)."""
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        return [n for n, line in enumerate(self.text.splitlines(), start=1) if pattern.match(line)]


def display(path: Path) -> str:
    """The path as messages show it, so that an editor opens it from where the check runs:
    relative to the working folder when the file is inside it, else in full."""
    absolute = Path(path).absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


NOT_UTF8 = "is not UTF-8 text: save it as UTF-8"


def read_utf8(path: Path, problems: list[str]) -> str | None:
    """The file's text, or None after reporting that it is not UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{display(path)}: {NOT_UTF8}")
        return None


def open_toml(
    folder: Path, name: str, root: Path, problems: list[str]
) -> tuple[Report, dict[str, Any]] | None:
    """Read ``folder/name`` as TOML, or report that it is missing or malformed."""
    path = folder / name
    if not path.is_file():
        problems.append(f"{display(folder)}: {name} is missing")
        return None
    text = read_utf8(path, problems)
    if text is None:
        return None
    report = Report(path, text, problems)
    try:
        return report, tomllib.loads(report.text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        report.add(f"this is not valid TOML: {error}", int(match.group(1)) if match else None)
        return None


def unknown_fields(
    data: dict[str, Any], known: set[str], report: Report, label: str = "", after: int = 0
) -> None:
    """Report every key of ``data`` that is not in ``known``."""
    prefix = f"{label}: " if label else ""
    for key in sorted(set(data) - known):
        report.add(f'{prefix}unknown field "{key}"', report.line_of(key, after=after))


def required_text(data: dict[str, Any], key: str, report: Report, line: int | None = None) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        report.add(f'"{key}" is missing or empty', line or report.line_of(key))
        return ""
    return value.strip()


def one_line_text(
    data: dict[str, Any], key: str, report: Report, label: str, line: int | None, limit: int
) -> str:
    """A required single line of at most ``limit`` characters (a title, a prompt)."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        report.add(f'{label}: "{key}" is missing or empty', line)
        return ""
    value = value.strip()
    if "\n" in value:
        report.add(f'{label}: "{key}" must be one line', line)
    elif len(value) > limit:
        report.add(f'{label}: "{key}" is {len(value)} characters long; keep it to {limit}', line)
    return value


def int_setting(
    data: dict[str, Any],
    key: str,
    default: int,
    low: int,
    report: Report,
    label: str = "",
    line: int | None = None,
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        prefix = f"{label}: " if label else ""
        report.add(
            f"{prefix}{key} must be a whole number of at least {low}", line or report.line_of(key)
        )
        return default
    return value


def bool_setting(
    data: dict[str, Any], key: str, report: Report, label: str = "", line: int | None = None
) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        prefix = f"{label}: " if label else ""
        report.add(f"{prefix}{key} must be true or false (no quotes)", line or report.line_of(key))
        return False
    return value
