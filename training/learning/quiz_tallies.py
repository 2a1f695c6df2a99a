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
voids or resets one), so the tallies cannot drift from the attempts while every server runs
this code. Whatever writes finished attempts some other way (the bench's seeding) calls
``recount`` afterwards; so does an operator (``flask --app wsgi quiz recount``) once every
server runs past migration 0013, as servers of an older version grade without keeping them.
``recount`` is safe on a running site: it locks the attempts against gradings until it
commits, and writes only the tallies that differ.

Concurrent gradings of one course meet on its ``quiz_tally`` row, then touch the trainee's
standing and the question rows in question order, so on PostgreSQL they queue rather than
deadlock. The tallies are not made smaller when a trainee's account (and with it their attempts)
is deleted: the platform deactivates accounts, it never deletes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    bindparam,
    case,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models import AttemptStatus, QuizAttempt
from training.upserts import dialect_insert


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


def count_graded(
    user_id: int,
    course_id: str,
    passed: bool,
    question_ids: Iterable[str],
    correct_ids: Iterable[str],
) -> None:
    """Add one just-finished attempt to the tallies (in the caller's transaction)."""
    course = dialect_insert(QuizTally).values(course_id=course_id, attempts=1, passed=int(passed))
    db.session.execute(
        course.on_conflict_do_update(
            index_elements=["course_id"],
            set_={
                "attempts": QuizTally.attempts + course.excluded.attempts,
                "passed": QuizTally.passed + course.excluded.passed,
            },
        )
    )
    standing = dialect_insert(QuizStanding).values(
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
    questions = dialect_insert(QuestionTally).values(rows)
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


def array_elements(column: Any, dialect: str):  # type: ignore[no-untyped-def]
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
        value = array_elements(column, dialect).alias("element")
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


@dataclass(frozen=True)
class Change:
    """One tally worked out again: what it held and what the attempts give (None: no row)."""

    model: type[Any]
    key: tuple[Any, ...]
    was: tuple[Any, ...] | None
    now: tuple[Any, ...] | None

    def __str__(self) -> str:
        """E.g. ``care: 7 attempts, 2 passed -> 3 attempts, 2 passed``."""
        return f"{_LABELS[self.model](*self.key)}: {self._says(self.was)} -> {self._says(self.now)}"

    def _says(self, values: tuple[Any, ...] | None) -> str:
        return "none" if values is None else _VALUES[self.model](*values)


def _attempts(n: int) -> str:
    return f"{n} attempt{'s' if n != 1 else ''}"


def _times(n: int) -> str:
    return f"{n} time{'s' if n != 1 else ''}"


_LABELS: dict[type, Any] = {
    QuizTally: lambda course: course,
    QuestionTally: lambda course, question: f"{course}, question {question}",
    QuizStanding: lambda user, course: f"trainee {user}, {course}",
}
_VALUES: dict[type, Any] = {
    QuizTally: lambda attempts, passed: f"{_attempts(attempts)}, {passed} passed",
    QuestionTally: lambda shown, missed: f"drawn {_times(shown)}, missed {missed}",
    QuizStanding: lambda n, passed: f"{_attempts(n)}, {'passed' if passed else 'not passed'}",
}


def _tallies():  # type: ignore[no-untyped-def]
    """Each tally table, its key and value columns, and the SELECT that works them out."""
    return (
        (QuizTally, ("course_id",), ("attempts", "passed"), course_totals()),
        (QuestionTally, ("course_id", "question_id"), ("shown", "missed"), question_totals()),
        (QuizStanding, ("user_id", "course_id"), ("finished", "passed"), standing_totals()),
    )


def _lock_attempts() -> None:
    """Until the caller's transaction ends, no finished attempt is added or changed: a grading
    (which finishes its attempt before it touches the tallies) waits, and then counts itself
    on the recounted tallies.

    PostgreSQL: the attempts are locked against writes (``SHARE ROW EXCLUSIVE``, which reads
    do not wait for and which a second recount waits for); each statement after it sees every
    grading committed before. SQLite: the transaction is a write transaction from its start
    (``BEGIN IMMEDIATE``), so no other writer commits until it ends, and it reads the latest
    data. A transaction that has already written holds SQLite's write lock already."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE quiz_attempt IN SHARE ROW EXCLUSIVE MODE")
    elif not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _differences(
    model: Any, keys: tuple[str, ...], values: tuple[str, ...], counted: Any
) -> list[Change]:
    table = model.__table__
    kinds = [table.c[name].type.python_type for name in (*keys, *values)]

    def rows(query: Any) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        found = {}
        for row in db.session.execute(query):
            typed = tuple(kind(v) for kind, v in zip(kinds, row, strict=True))
            found[typed[: len(keys)]] = typed[len(keys) :]
        return found

    held = rows(select(*(table.c[name] for name in (*keys, *values))))
    given = rows(counted)
    return [
        Change(model, key, held.get(key), given.get(key))
        for key in sorted(held.keys() | given.keys())
        if held.get(key) != given.get(key)
    ]


def _apply(changes: list[Change]) -> None:
    """Write the recounted tallies (in the caller's transaction)."""
    for model, keys, values, _ in _tallies():
        table = model.__table__
        mine = [c for c in changes if c.model is model]
        upserts = [
            dict(zip((*keys, *values), c.key + c.now, strict=True))
            for c in mine
            if c.now is not None
        ]
        if upserts:
            upsert = dialect_insert(table)
            db.session.execute(
                upsert.on_conflict_do_update(
                    index_elements=list(keys), set_={v: upsert.excluded[v] for v in values}
                ),
                upserts,
            )
        gone = [
            {f"k_{k}": v for k, v in zip(keys, c.key, strict=True)} for c in mine if c.now is None
        ]
        if gone:
            db.session.execute(
                delete(table).where(*(table.c[k] == bindparam(f"k_{k}") for k in keys)), gone
            )


def recount() -> list[Change]:
    """Work every tally out again from the attempts, in the caller's transaction, and return
    what changed (nothing, when they were right).

    Safe on a running site: the attempts are locked against writes first (``_lock_attempts``),
    so no grading commits between the count and the caller's commit; gradings meanwhile wait
    (a moment) and are then counted once on the recounted tallies. Only the tallies that
    differ are written. For data written without grading (the bench's seeding), and after an
    upgrade past migration 0013 in which servers of an older version graded without keeping
    the tallies: ``flask --app wsgi quiz recount``."""
    _lock_attempts()
    changes = [change for tally in _tallies() for change in _differences(*tally)]
    _apply(changes)
    return changes
