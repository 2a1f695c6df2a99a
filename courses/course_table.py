"""The course table the check ends with: one line per course, then the hours by domain.

Modules, words, practice exercises, quiz questions (required ones in brackets), the hours the
course awards by domain and the hours its learning time supports, and the range of its modules'
reading grades when textstat is installed (``courses.readability``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from courses.domains import DOMAINS
from courses.learning_time import hours, learning_time
from courses.model import Course
from courses.toml_report import display

#: reading grades by (course id, module id)
Grades = dict[tuple[str, str], float]
#: the Flesch-Kincaid grades module text is written for: adults, plain but not choppy
LOWEST_GRADE = 6.0
HIGHEST_GRADE = 9.0

#: short column names for the domains, in DOMAINS order
SHORT = {"advocacy": "Adv", "mentoring_education": "M/E", "recovery_wellness": "R/W",
         "ethical_responsibility": "Eth"}  # fmt: skip


def course_table(courses: tuple[Course, ...], grades: Grades | None) -> list[str]:
    """The table's lines: a header, one line per course and a line of totals."""
    header = f"{'Course':<32} {'Mods':>4} {'Words':>6} {'Ex':>3} {'Qs':>7} "
    header += " ".join(f"{SHORT[d]:>4}" for d in DOMAINS)
    header += f" {'Award':>5} {'Supp':>5} {'Grade':>9}"
    lines = [header]
    totals: Counter[str] = Counter()
    words = exercises = questions = 0
    for course in courses:
        time = learning_time(course)
        totals.update(course.training_hours)
        words += time.words
        exercises += time.exercises
        questions += len(course.quiz.questions)
        required = sum(1 for q in course.quiz.questions if q.required)
        asked = (
            f"{len(course.quiz.questions)}({required})"
            if required
            else str(len(course.quiz.questions))
        )
        line = f"{course.id[:32]:<32} {len(course.modules):>4} {time.words:>6,} "
        line += f"{time.exercises:>3} {asked:>7} "
        line += " ".join(f"{hours(course.training_hours.get(d, 0)):>4}" for d in DOMAINS)
        line += f" {hours(time.awarded_hours):>5} {hours(time.supported_hours):>5}"
        line += f" {_grades(course, grades):>9}"
        lines.append(line)
    total = f"{'Total':<32} {sum(len(c.modules) for c in courses):>4} {words:>6,} "
    total += f"{exercises:>3} {questions:>7} "
    total += " ".join(f"{hours(totals[d]):>4}" for d in DOMAINS)
    total += f" {hours(sum(totals.values())):>5}"
    lines.append(total)
    lines.append(
        "Mods: modules; Ex: practice exercises; Qs: quiz questions (required ones in brackets); "
        "Adv, M/E, R/W, Eth: training hours awarded by domain; Award: their total; Supp: the "
        "hours the learning time supports; Grade: the modules' reading grades (lowest-highest)."
    )
    return lines


def module_grades(courses: tuple[Course, ...], grade: Callable[[str], float]) -> Grades:
    """Every module's reading grade, by (course id, module id)."""
    return {(c.id, m.id): grade(m.markdown) for c in courses for m in c.modules}


def grade_problems(grades: Grades, root: Path) -> list[str]:
    """Modules outside the reading grades the content is written for (6 to 9)."""
    return [
        f"{display(root / 'courses' / course_id / f'{module_id}.md')}: reads at grade "
        f"{figure:.1f}; write for grades "
        f"{LOWEST_GRADE:g} to {HIGHEST_GRADE:g} (content/README.md, Reading level)"
        for (course_id, module_id), figure in grades.items()
        if not LOWEST_GRADE <= figure <= HIGHEST_GRADE
    ]


def _grades(course: Course, grades: Grades | None) -> str:
    if grades is None or not course.modules:
        return "-"
    figures = [grades[(course.id, m.id)] for m in course.modules]
    return f"{min(figures):.1f}-{max(figures):.1f}"
