"""One course's quiz, question by question, for leads: each question's facility and
discrimination (``courses.item_analysis``) and the spread of the scores.

Which attempts count: each trainee's first finished attempt at the quiz (of the cohort's
trainees, if one is chosen). Later attempts come after a review with hints and a wait, so they
say more about the retake than about the question; and one attempt per trainee keeps a trainee
who retook the quiz five times from counting five times.

The database adds everything up in two grouped queries over those attempts (one per question,
one per score), so the page reads a few rows however many attempts there are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal, literal_column, select, union_all

from courses.item_analysis import (
    NO_ATTEMPTS,
    Band,
    ItemAnalysis,
    ItemSums,
    analyse,
    histogram,
)
from courses.model import Course, Question
from training.extensions import db

# the same reading of a JSON array as the running tallies (one definition of "its elements")
from training.learning.quiz_tallies import array_elements
from training.models import AttemptStatus, Cohort, QuizAttempt, User


@dataclass(frozen=True)
class QuestionFigures:
    #: the question's place in the quiz file (1, 2, …)
    number: int
    question: Question
    analysis: ItemAnalysis


@dataclass(frozen=True)
class QuizAnalysis:
    course: Course
    #: the first attempts counted: one per trainee who finished an attempt
    trainees: int
    #: of them, the ones that passed
    passed: int
    bands: list[Band]
    questions: list[QuestionFigures]

    @property
    def to_review(self) -> list[QuestionFigures]:
        return [q for q in self.questions if q.analysis.review]

    @property
    def too_few(self) -> list[QuestionFigures]:
        return [q for q in self.questions if q.analysis.too_few]


def first_attempts(course_id: str, cohort: Cohort | None):  # type: ignore[no-untyped-def]
    """A WITH of the id of each trainee's first finished attempt at the course's quiz (of the
    cohort's trainees, if given). A trainee has one open attempt at a time, so their attempts
    are finished in the order they were started: the smallest id is the first one graded. (A
    WITH named twice in a statement is worked out once, by SQLite and PostgreSQL alike.)"""
    conditions = [QuizAttempt.status == AttemptStatus.FINISHED, QuizAttempt.course_id == course_id]
    if cohort is not None:
        conditions.append(
            QuizAttempt.user_id.in_(select(User.id).where(User.cohort_id == cohort.id))
        )
    return (
        select(func.min(QuizAttempt.id).label("id"))
        .where(*conditions)
        .group_by(QuizAttempt.user_id)
        .cte("first_attempt")
    )


def _length(column: Any, dialect: str):  # type: ignore[no-untyped-def]
    """The number of elements of a JSON array column (0 when it holds no array)."""
    kind = func.json_typeof(column) if dialect == "postgresql" else func.json_type(column)
    return func.json_array_length(case((kind == "array", column), else_=literal_column("'[]'")))


def _item_totals(first: Any):  # type: ignore[no-untyped-def]
    """SELECT per question id: n, Σx, Σt, Σt², Σxt over the attempts ``first`` that drew it
    (x: answered right, t: the attempt's questions answered right; ``ItemSums.from_totals``).

    Each array is read once, as the tallies do: a drawn question gives a row (shown 1, right
    0), a right answer a row (shown 0, right 1), each with its attempt's score t."""
    dialect = db.session.get_bind().dialect.name
    score = _length(QuizAttempt.correct_ids, dialect)

    def each(column: Any, shown: int, right: int):  # type: ignore[no-untyped-def]
        value = array_elements(column, dialect).alias("element")
        return (
            select(
                value.c.value.label("question_id"),
                literal(shown).label("shown"),
                literal(right).label("right"),
                score.label("score"),
            )
            .select_from(QuizAttempt)
            .join(value, literal_column("1") == 1)
            .where(QuizAttempt.id.in_(select(first.c.id)))
        )

    rows = union_all(each(QuizAttempt.question_ids, 1, 0), each(QuizAttempt.correct_ids, 0, 1))
    both = rows.subquery("elements")
    shown, right, score = both.c.shown, both.c.right, both.c.score
    return select(
        both.c.question_id,
        func.sum(shown),
        func.sum(right),
        func.sum(shown * score),
        func.sum(shown * score * score),
        func.sum(right * score),
    ).group_by(both.c.question_id)


def _scores(first: Any) -> tuple[dict[float, int], int, int]:
    """(score -> first attempts with it, first attempts, of them passed)."""
    rows = db.session.execute(
        select(QuizAttempt.score_percent, QuizAttempt.passed, func.count())
        .where(QuizAttempt.id.in_(select(first.c.id)))
        .group_by(QuizAttempt.score_percent, QuizAttempt.passed)
    )
    scores: dict[float, int] = {}
    trainees = passed = 0
    for score, did_pass, count in rows:
        trainees += count
        passed += count if did_pass else 0
        if score is not None:
            scores[float(score)] = scores.get(float(score), 0) + count
    return scores, trainees, passed


def analysis(course: Course, cohort: Cohort | None) -> QuizAnalysis:
    """The quiz's current questions, in their order, with their figures, and the histogram of
    the first attempts' scores. A question since removed from the quiz is left out."""
    first = first_attempts(course.id, cohort)
    sums = {
        question_id: ItemSums.from_totals(*(int(v or 0) for v in values))
        for question_id, *values in db.session.execute(_item_totals(first))
    }
    scores, trainees, passed = _scores(first)
    questions = [
        QuestionFigures(number, q, analyse(sums[q.id]) if q.id in sums else NO_ATTEMPTS)
        for number, q in enumerate(course.quiz.questions, 1)
    ]
    return QuizAnalysis(course, trainees, passed, histogram(scores), questions)
