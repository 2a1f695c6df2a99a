"""Print the reading grade of every module, as the content tests measure it.

    .venv/bin/python -m tests.content.grade [COURSE_FOLDER ...]

With no folder it measures every course under content/courses. Grades are Flesch-Kincaid, on the
module text with headings, callout markers, table rules and list markers removed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from courses.loader import load_library
from courses.readability import grader

CONTENT = Path(__file__).resolve().parents[2] / "content"


def main(argv: list[str]) -> int:
    wanted = {Path(a).resolve().name for a in argv}
    grade = grader()
    if grade is None:
        print('textstat is not installed: pip install -e ".[test]"')
        return 1
    library = load_library(CONTENT)
    for problem in library.problems:
        print(problem)
    unknown = sorted(wanted - {c.id for c in library.courses})
    if unknown:
        print(f"no such course under {CONTENT / 'courses'}: {', '.join(unknown)}")
        return 1
    for course in library.courses:
        if wanted and course.id not in wanted:
            continue
        for module in course.modules:
            figure = grade(module.markdown)
            print(f"{course.id}/{module.id}: grade {figure:.1f}, {module.word_count} words")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
