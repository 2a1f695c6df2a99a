"""Running totals of finished quiz attempts, for the lead's quiz statistics.

Reading every attempt to count them grows with the program (200,000 attempts at 10,000
trainees); these tallies stay one row per course and one per question:

- ``quiz_tally``: per course, the finished attempts and how many of them passed;
- ``quiz_question_tally``: per course and question, the times it was drawn (``shown``) and the
  finished attempts that did not answer it right (``missed``);
- ``quiz_standing``: per trainee and course, their finished attempts and whether one passed,
  so the trainees out of attempts are found without counting everyone's attempts.

They count exactly what the statistics showed when they were worked out from the attempts
(``course_totals`` and ``question_totals`` below, which a cohort's statistics still use): every
attempt whose status is ``finished``. An attempt's right answers are among the questions it
drew, and it draws a question once (``courses.quiz``), so a question is missed as often as it
was drawn less the times it was answered right. An attempt is finished only by grading
(``training.learning.attempts.submit_attempt``), which adds it here in the same transaction, and
a finished attempt is never changed or deleted afterwards (a lead grants extra attempts, never
voids or resets one), so the tallies cannot drift from the attempts. Whatever writes finished
attempts some other way (the demo data, the bench's seeding) calls ``recount`` afterwards.

Concurrent gradings of one course meet on its ``quiz_tally`` row, then touch the trainee's
standing and the question rows in question order, so on PostgreSQL they queue rather than
deadlock. The tallies are not made smaller when a trainee's account (and with it their attempts)
is deleted: the platform deactivates accounts, it never deletes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models import AttemptStatus, QuizAttempt


class QuizTally(db.Model):
    """One course's finished quiz attempts, and how many passed."""

    __tablename__ = "quiz_tally"

    course_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)


class QuestionTally(db.Model):
    """How often one question was drawn in a finished attempt, and how often it was missed."""

    __tablename__ = "quiz_question_tally"

    course_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    shown: Mapped[int] = mapped_column(default=0)
    missed: Mapped[int] = mapped_column(default=0)


class QuizStanding(db.Model):
    """One trainee's finished attempts at one course's quiz, and whether one of them passed."""

    __tablename__ = "quiz_standing"
    #: the trainees who have not passed, by how many attempts they used: those out of attempts
    __table_args__ = (Index("ix_quiz_standing_stuck", "passed", "finished"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    finished: Mapped[int] = mapped_column(default=0)
    passed: Mapped[bool] = mapped_column(default=False)


@cache
def _insert(dialect: str):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which has ``on_conflict_do_update`` (SQLite and PostgreSQL)."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]


def count_graded(
    user_id: int,
    course_id: str,
    passed: bool,
    question_ids: Iterable[str],
    correct_ids: Iterable[str],
) -> None:
    """Add one just-finished attempt to the tallies (in the caller's transaction)."""
    insert_ = _insert(db.session.get_bind().dialect.name)
    course = insert_(QuizTally).values(course_id=course_id, attempts=1, passed=int(passed))
    db.session.execute(
        course.on_conflict_do_update(
            index_elements=["course_id"],
            set_={
                "attempts": QuizTally.attempts + course.excluded.attempts,
                "passed": QuizTally.passed + course.excluded.passed,
            },
        )
    )
    standing = insert_(QuizStanding).values(
        user_id=user_id, course_id=course_id, finished=1, passed=passed
    )
    db.session.execute(
        standing.on_conflict_do_update(
            index_elements=["user_id", "course_id"],
            set_={
                "finished": QuizStanding.finished + 1,
                "passed": or_(QuizStanding.passed, standing.excluded.passed),
            },
        )
    )
    drawn = Counter(question_ids)
    right = set(correct_ids)
    if not drawn:
        return
    rows = [
        {"course_id": course_id, "question_id": q, "shown": n, "missed": int(q not in right)}
        for q, n in sorted(drawn.items())  # one order for everyone: no deadlocks
    ]
    questions = insert_(QuestionTally).values(rows)
    db.session.execute(
        questions.on_conflict_do_update(
            index_elements=["course_id", "question_id"],
            set_={
                "shown": QuestionTally.shown + questions.excluded.shown,
                "missed": QuestionTally.missed + questions.excluded.missed,
            },
        )
    )


def _finished(*conditions: Any) -> list[Any]:
    return [QuizAttempt.status == AttemptStatus.FINISHED, *conditions]


def _passed_count():  # type: ignore[no-untyped-def]
    return func.coalesce(func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)), 0)


def standing_totals(*conditions: Any):  # type: ignore[no-untyped-def]
    """SELECT (user id, course id, finished attempts, whether one passed)."""
    return (
        select(
            QuizAttempt.user_id,
            QuizAttempt.course_id,
            func.count(),
            func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)) == 1,
        )
        .where(*_finished(*conditions))
        .group_by(QuizAttempt.user_id, QuizAttempt.course_id)
    )


def course_totals(*conditions: Any):  # type: ignore[no-untyped-def]
    """SELECT (course id, finished attempts, passed) from the attempts matching ``conditions``."""
    return (
        select(
            QuizAttempt.course_id,
            func.count(),
            _passed_count(),
        )
        .where(*_finished(*conditions))
        .group_by(QuizAttempt.course_id)
    )


def _elements(column: Any, dialect: str):  # type: ignore[no-untyped-def]
    """The strings of a JSON array column, as a table with one column ``value``."""
    # not an array (a JSON null): no elements, as Python's ``x or []``
    if dialect == "postgresql":
        array = case((func.json_typeof(column) == "array", column), else_=literal_column("'[]'"))
        return func.json_array_elements_text(array).table_valued("value")
    array = case((func.json_type(column) == "array", column), else_=literal_column("'[]'"))
    return func.json_each(array).table_valued("value")


def question_totals(*conditions: Any):  # type: ignore[no-untyped-def]
    """SELECT (course id, question id, shown, missed) from the attempts matching
    ``conditions``: a question is missed in an attempt that drew it and did not answer it
    right. (Each array is read once: drawn questions count +1 shown, right answers +1 right.)"""
    dialect = db.session.get_bind().dialect.name

    def each(column: Any, shown: int, right: int):  # type: ignore[no-untyped-def]
        value = _elements(column, dialect).alias("element")
        return (
            select(
                QuizAttempt.course_id.label("course_id"),
                value.c.value.label("question_id"),
                literal(shown).label("shown"),
                literal(right).label("right"),
            )
            .select_from(QuizAttempt)
            .join(value, literal_column("1") == 1)
            .where(*_finished(*conditions))
        )

    rows = union_all(each(QuizAttempt.question_ids, 1, 0), each(QuizAttempt.correct_ids, 0, 1))
    both = rows.subquery("elements")
    shown = func.sum(both.c.shown)
    return select(
        both.c.course_id, both.c.question_id, shown, shown - func.sum(both.c.right)
    ).group_by(both.c.course_id, both.c.question_id)


def recount() -> None:
    """Work every tally out again from the attempts (in the caller's transaction): for data
    written without grading. Not for a running site: gradings meanwhile could be counted
    twice or lost."""
    db.session.execute(delete(QuestionTally))
    db.session.execute(delete(QuizStanding))
    db.session.execute(delete(QuizTally))
    db.session.execute(
        insert(QuizTally).from_select(["course_id", "attempts", "passed"], course_totals())
    )
    db.session.execute(
        insert(QuizStanding).from_select(
            ["user_id", "course_id", "finished", "passed"], standing_totals()
        )
    )
    db.session.execute(
        insert(QuestionTally).from_select(
            ["course_id", "question_id", "shown", "missed"], question_totals()
        )
    )
