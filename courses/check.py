"""Check a content folder from the command line, no app needed: ``python -m courses.check [PATH]``.

``flask --app wsgi content check`` runs the same check on the folder the app serves. It prints the
problems that keep a course off the site, then, for every course that loads, the learning time
behind its hours and its quiz's cue figures, with any problem they show.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from courses.course_table import course_table, grade_problems, module_grades
from courses.cues import quiz_findings
from courses.facilitation import guide_problems
from courses.glossary import glossary_problems, load_glossary
from courses.learning_time import basis_lines, duration, hours_problem
from courses.loader import load_library
from courses.model import Course, Quiz
from courses.readability import grader
from courses.toml_report import display


def check(root: Path, echo: Callable[[str], None], echo_error: Callable[[str], None]) -> int:
    """Print the problems and each course's figures; return the exit status (1: problems)."""
    # The tracks live in the same content folder and name its courses.
    from certificates.track_check import summary_lines, track_problems
    from certificates.tracks import load_tracks

    library = load_library(root)
    tracks = load_tracks(root)
    glossary = load_glossary(root)
    texts = [m.markdown for c in library.courses for m in c.modules]
    problems = [
        *library.problems,
        *tracks.problems,
        *track_problems(tracks, library),
        *glossary.problems,
        *glossary_problems(glossary, texts, root),
    ]
    for problem in problems:
        echo_error(problem)
    for course in library.courses:
        echo("")
        for problem in _course(course, root, echo):
            echo_error(problem)
            problems.append(problem)
    grade = grader()
    grades = module_grades(library.courses, grade) if grade else None
    notes = grade_problems(grades, root) if grades else []
    echo("")
    for note in notes:  # the team's standard, not a rule that keeps a course off the site
        echo(f"Note: {note}")
    if notes:
        echo("")
    for line in course_table(library.courses, grades):
        echo(line)
    echo("")
    for track in tracks.tracks:  # each track's rulebook: where its hours come from, and the rest
        for line in summary_lines(track, library):
            echo(line)
        echo("")
    if problems:
        count = len(problems)
        echo_error(f"{count} problem{'s' if count != 1 else ''} found in {root}.")
        return 1
    modules = sum(len(c.modules) for c in library.courses)
    questions = sum(len(c.quiz.questions) for c in library.courses)
    echo(
        f"OK: {len(library.courses)} course(s), {modules} modules, {questions} quiz questions, "
        f"{len(tracks.tracks)} track(s), {len(glossary.terms)} glossary terms "
        f"(content version {library.version})."
    )
    return 0


def _course(course: Course, root: Path, echo: Callable[[str], None]) -> list[str]:
    """Print one course's figures; return its problems."""
    echo(f"{course.title} ({course.id}, {course.delivery})")
    for line in basis_lines(course):
        echo(f"  {line}")
    problems = []
    message = hours_problem(course)
    if message:
        problems.append(f"{_hours_place(course, root)}: {message}")
    guide = course.facilitator_guide
    if guide is None:
        echo("  Facilitator's guide: none (facilitator.md)")
    elif not guide_problems(guide, course.id):
        echo(
            f"  Facilitator's guide: one live session of {guide.session_minutes} minutes, "
            f"{len(guide.role_plays)} role-plays, {guide.discussion_questions} questions"
        )
    return problems + _quiz(course.quiz, echo) + (guide_problems(guide, course.id) if guide else [])


def _quiz(quiz: Quiz, echo: Callable[[str], None]) -> list[str]:
    """Print the quiz's settings and cue figures; return its cue problems."""
    attempts = f"{quiz.max_attempts} attempts" if quiz.max_attempts else "unlimited attempts"
    wait = f"{duration(quiz.wait_minutes)} apart" if quiz.wait_minutes else "no wait"
    echo(
        f"  Quiz: {quiz.questions_per_attempt} of {len(quiz.questions)} questions an attempt, "
        f"pass mark {quiz.pass_mark} %, {attempts}, {wait}"
    )
    findings = quiz_findings(quiz)  # its figures include the worst guesser's pass chance
    for figure in findings.figures:
        echo(f"    {figure}")
    return list(findings.problems)


def _hours_place(course: Course, root: Path) -> str:
    """course.toml and the line of its [training_hours], as messages name them."""
    path = root / "courses" / course.id / "course.toml"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    line = next(
        (n for n, t in enumerate(lines, 1) if t.strip().startswith("[training_hours]")), None
    )
    return f"{display(path)}:{line}" if line else display(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m courses.check",
        description="Check a content folder: every problem with its file and line, then each "
        "course's learning time and hours, and each quiz's cue figures and worst guesser.",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "content",
        help="the content folder (default: the one shipped with the platform)",
    )
    root = parser.parse_args(argv).folder
    return check(root, print, lambda line: print(line, file=sys.stderr))


if __name__ == "__main__":
    sys.exit(main())
