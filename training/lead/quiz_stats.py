"""Per-course quiz statistics for leads: attempts, pass rate and the questions most often missed.

For the whole program they come from the running tallies (``training.learning.quiz_tallies``:
one row per course and per question, however many attempts there are); for one cohort, whose
trainees change, from that cohort's attempts, counted by the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courses.model import Course, Question
from training import content
from training.extensions import db
from training.learning.quiz_tallies import (
    QuestionTally,
    QuizTally,
    course_totals,
    question_totals,
)
from training.models import Cohort, QuizAttempt, User

#: the questions shown per course
MOST_MISSED = 3


@dataclass(frozen=True)
class Missed:
    question: Question
    count: int
    #: of the finished attempts that drew the question, the share that missed it
    rate: float


@dataclass(frozen=True)
class CourseStatistics:
    course: Course
    attempts: int
    passed: int
    missed: list[Missed]

    @property
    def pass_rate(self) -> float:
        return self.passed / self.attempts if self.attempts else 0.0


def _totals(
    cohort: Cohort | None, course: Course | None = None
) -> tuple[dict[str, tuple[int, int]], dict[str, list[tuple[str, int, int]]]]:
    """(course id -> (attempts, passed), course id -> [(question id, shown, missed)]), of
    every course or only ``course``."""
    if cohort is None:
        one = [] if course is None else [QuizTally.course_id == course.id]
        courses = db.session.execute(
            select(QuizTally.course_id, QuizTally.attempts, QuizTally.passed).where(*one)
        ).all()
        one = [] if course is None else [QuestionTally.course_id == course.id]
        questions = db.session.execute(
            select(
                QuestionTally.course_id,
                QuestionTally.question_id,
                QuestionTally.shown,
                QuestionTally.missed,
            ).where(QuestionTally.missed > 0, *one)
        ).all()
    else:
        members = [QuizAttempt.user_id.in_(select(User.id).where(User.cohort_id == cohort.id))]
        if course is not None:
            members.append(QuizAttempt.course_id == course.id)
        courses = db.session.execute(course_totals(*members)).all()
        questions = db.session.execute(question_totals(*members)).all()
    per_question: dict[str, list[tuple[str, int, int]]] = {}
    for course_id, question_id, shown, missed in questions:
        if missed:
            per_question.setdefault(course_id, []).append((question_id, shown, missed))
    return {c: (int(n), int(p)) for c, n, p in courses}, per_question


def statistics(cohort: Cohort | None, course: Course | None = None) -> list[CourseStatistics]:
    """Every course of the library (or only ``course``), in its order, with its figures (of
    the cohort, if given).

    The most missed questions are the quiz's current questions missed at least once, most
    misses first; equal counts go to the higher miss rate, then in question id order."""
    totals, questions = _totals(cohort, course)
    result = []
    for each in content.library().courses if course is None else [course]:
        attempts, passed = totals.get(each.id, (0, 0))
        ranked = sorted(questions.get(each.id, []), key=lambda q: (-q[2], q[1], q[0]))
        missed = []
        for question_id, shown, count in ranked:
            question = each.quiz.question(question_id)
            if question is not None:  # since removed from the quiz
                missed.append(Missed(question, count, count / shown))
            if len(missed) == MOST_MISSED:
                break
        result.append(CourseStatistics(each, attempts, passed, missed))
    return result
