"""Check a content folder from the command line, no app needed: ``python -m courses.check [PATH]``.

``flask --app wsgi content check`` runs the same check on the folder the app serves.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from courses.loader import load_library


def check(root: Path, echo: Callable[[str], None], echo_error: Callable[[str], None]) -> int:
    """Print one line per problem (or a summary when there are none); return the exit status."""
    # The tracks live in the same content folder and name its courses.
    from certificates.tracks import check_against_courses, load_tracks

    library = load_library(root)
    tracks = load_tracks(root)
    known = {c.id for c in library.courses}
    problems = (*library.problems, *tracks.problems, *check_against_courses(tracks, known))
    for problem in problems:
        echo_error(problem)
    if problems:
        count = len(problems)
        echo_error(f"{count} problem{'s' if count != 1 else ''} found in {root}.")
        return 1
    modules = sum(len(c.modules) for c in library.courses)
    questions = sum(len(c.quiz.questions) for c in library.courses)
    echo(
        f"OK: {len(library.courses)} course(s), {modules} modules, {questions} quiz questions, "
        f"{len(tracks.tracks)} track(s) (content version {library.version})."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "content"
    return check(root, print, lambda line: print(line, file=sys.stderr))


if __name__ == "__main__":
    sys.exit(main())
