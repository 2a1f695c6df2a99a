"""What a quiz review may show while the answers stay hidden: the modules the attempt covered and
points to think about, never which question was right or wrong.

The decision whether a review shows everything (each question, the trainee's answer, the right
one, the explanation) is ``courses.quiz.reveals_answers``; this module shapes the other kind.
Nothing here depends on which questions were answered rightly: two trainees who took the same
questions and missed different ones see the same page. (A score per module would not do: with
three questions from a module, "0 of 3" or "3 of 3" tells the verdict of each; and the hints of
the missed questions alone would point at those questions.)
"""

from __future__ import annotations

from collections.abc import Sequence

from courses.model import Course, Module


def modules_covered(course: Course, question_ids: Sequence[str]) -> list[Module]:
    """The modules the attempt asked about, in the course's order: what to reread."""
    named = {
        question.module_id
        for qid in question_ids
        if (question := course.quiz.question(qid)) is not None
    }
    return [module for module in course.modules if module.id in named]


def points_to_consider(course: Course, question_ids: Sequence[str]) -> list[str]:
    """The hints of every question in the attempt, right or wrong, each once, in alphabetical
    order: things to think about before the next try that say nothing about the verdicts."""
    hints = {
        question.hint
        for qid in question_ids
        if (question := course.quiz.question(qid)) is not None and question.hint
    }
    return sorted(hints, key=str.casefold)
