"""What a quiz review may show while retakes remain: a score by module and the hints of the
missed questions, never which question was right or wrong.

The decision whether a review shows everything (each question, the trainee's answer, the right
one, the explanation) is ``courses.quiz.reveals_answers``; this module shapes the other kind.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from courses.model import Course, Module


@dataclass(frozen=True)
class ModuleScore:
    """How many of an attempt's questions on one module were right."""

    module: Module | None  # None: questions that name no module
    right: int
    asked: int


def module_scores(
    course: Course, question_ids: Sequence[str], correct_ids: Collection[str]
) -> list[ModuleScore]:
    """Per module that had questions in the attempt, in the course's order (questions that
    name no module, or a module the course no longer has, last, together)."""
    asked: dict[str | None, int] = {}
    right: dict[str | None, int] = {}
    for qid in question_ids:
        question = course.quiz.question(qid)
        module_id = question.module_id if question is not None else None
        key = module_id if module_id is not None and course.module(module_id) else None
        asked[key] = asked.get(key, 0) + 1
        right[key] = right.get(key, 0) + (qid in correct_ids)
    scores = [
        ModuleScore(module, right[module.id], asked[module.id])
        for module in course.modules
        if module.id in asked
    ]
    if None in asked:
        scores.append(ModuleScore(None, right[None], asked[None]))
    return scores


def missed_hints(
    course: Course, question_ids: Sequence[str], correct_ids: Collection[str]
) -> list[str]:
    """The hints of the questions answered wrongly, each once, in alphabetical order: a list
    that says what to reread without saying which question each hint belongs to."""
    hints = {
        question.hint
        for qid in question_ids
        if qid not in correct_ids
        and (question := course.quiz.question(qid)) is not None
        and question.hint
    }
    return sorted(hints, key=str.casefold)
