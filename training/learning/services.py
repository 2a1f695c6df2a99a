"""Learning records: reading progress and quiz attempts, stored for one trainee at a time."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from courses.model import Course
from courses.progress import CourseProgress, course_progress
from courses.quiz import AttemptError, Availability, Grade, availability, draw_questions, grade
from training.extensions import db
from training.models import AttemptStatus, ModuleProgress, QuizAttempt, User, utcnow


@dataclass
class LearningRecord:
    """What one trainee has done, across every course, read in two queries."""

    completed: dict[str, set[str]]
    last_viewed: dict[str, str]
    passed_courses: set[str]

    def progress(self, course: Course) -> CourseProgress:
        return course_progress(
            course, self.completed.get(course.id, set()), course.id in self.passed_courses
        )


def learning_record(user: User) -> LearningRecord:
    completed: dict[str, set[str]] = defaultdict(set)
    last_viewed: dict[str, tuple[datetime, str]] = {}
    rows = db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == user.id))
    for row in rows:
        if row.completed_at is not None:
            completed[row.course_id].add(row.module_id)
        best = last_viewed.get(row.course_id)
        if best is None or row.last_viewed_at > best[0]:
            last_viewed[row.course_id] = (row.last_viewed_at, row.module_id)
    passed = set(
        db.session.scalars(
            select(QuizAttempt.course_id)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.passed.is_(True))
            .distinct()
        )
    )
    return LearningRecord(completed, {k: v[1] for k, v in last_viewed.items()}, passed)


def _progress_row(user: User, course_id: str, module_id: str) -> ModuleProgress:
    query = select(ModuleProgress).filter_by(
        user_id=user.id, course_id=course_id, module_id=module_id
    )
    row = db.session.scalar(query)
    if row is None:
        row = ModuleProgress(user_id=user.id, course_id=course_id, module_id=module_id)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:  # the same trainee, in another tab, got there first
            db.session.rollback()
            row = db.session.scalars(query).one()
    return row


def record_view(user: User, course_id: str, module_id: str) -> bool:
    """Note that the trainee opened the module now; True if they have marked it complete.

    Every module view lands here, so it is one statement (an upsert that returns the
    completion) on the databases that have one, instead of a read, a write and a read.
    """
    statement = _view_upsert(db.session.get_bind().dialect.name)
    # Core, on the session's own connection and transaction: no ORM objects are involved.
    values = {
        "user_id": user.id,
        "course_id": course_id,
        "module_id": module_id,
        "now": utcnow(),
    }
    completed_at = db.session.connection().execute(statement, values).scalar_one()
    # The upsert changed no object the session holds, so keep them loaded: otherwise the page
    # would read the signed-in user again from the database just to draw the navigation.
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return completed_at is not None


@cache
def _view_upsert(dialect: str):  # type: ignore[no-untyped-def]
    """The upsert ``record_view`` runs, built once per database kind (every module view runs
    it; SQLAlchemy finds the compiled SQL of the same statement object fastest). SQLite and
    PostgreSQL are the databases the platform runs on; both have the upsert."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    now = bindparam("now", type_=ModuleProgress.last_viewed_at.type)
    return (
        insert(ModuleProgress)
        .values(
            user_id=bindparam("user_id"),
            course_id=bindparam("course_id"),
            module_id=bindparam("module_id"),
            last_viewed_at=now,
        )
        .on_conflict_do_update(
            index_elements=["user_id", "course_id", "module_id"], set_={"last_viewed_at": now}
        )
        .returning(ModuleProgress.completed_at)
    )


def mark_complete(user: User, course_id: str, module_id: str) -> None:
    row = _progress_row(user, course_id, module_id)
    if row.completed_at is None:
        row.completed_at = utcnow()
    row.last_viewed_at = utcnow()
    db.session.commit()


def attempts(user: User, course_id: str) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == course_id)
            .order_by(QuizAttempt.started_at, QuizAttempt.id)
        )
    )


def attempt_availability(course: Course, history: list[QuizAttempt]) -> Availability:
    finished = [a.submitted_at for a in history if a.finished and a.submitted_at]
    return availability(course.quiz, finished, utcnow())


def open_attempt(history: list[QuizAttempt]) -> QuizAttempt | None:
    return next((a for a in history if a.status == AttemptStatus.IN_PROGRESS), None)


def start_attempt(user: User, course: Course) -> QuizAttempt:
    """Resume the open attempt, or draw a new one; raises ``AttemptError`` when none may start."""
    history = attempts(user, course.id)
    current = open_attempt(history)
    if current is not None:
        return current
    allowed = attempt_availability(course, history)
    if not allowed.allowed:
        raise AttemptError(allowed.reason)
    attempt = new_attempt(user, course, secrets.randbelow(2**31))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def new_attempt(user: User, course: Course, seed: int) -> QuizAttempt:
    """An attempt at the course's quiz, its questions drawn with ``seed`` (not yet saved)."""
    return QuizAttempt(
        user_id=user.id,
        course_id=course.id,
        content_version=course.version,
        seed=seed,
        question_ids=draw_questions(course.quiz, seed),
    )


def attempt_is_stale(course: Course, attempt: QuizAttempt) -> bool:
    """True when the course's quiz no longer has every question the attempt drew."""
    return any(course.quiz.question(qid) is None for qid in attempt.question_ids)


def abandon(attempt: QuizAttempt) -> None:
    attempt.status = AttemptStatus.ABANDONED
    db.session.commit()


def submit_attempt(course: Course, attempt: QuizAttempt, responses: dict[str, list[str]]) -> bool:
    """Grade and store an attempt; False if it had already been submitted (the first one counts).

    Raises ``AttemptError`` for incomplete or tampered answers, recording nothing.
    """
    result: Grade = grade(course.quiz, attempt.question_ids, responses)
    # A conditional update, so a double click or a replayed request cannot grade twice.
    stored = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == AttemptStatus.IN_PROGRESS)
        .values(
            status=AttemptStatus.FINISHED,
            submitted_at=utcnow(),
            answers={r.question_id: sorted(r.response) for r in result.results},
            correct_ids=[r.question_id for r in result.results if r.correct],
            correct_count=result.correct,
            score_percent=result.percent,
            passed=result.passed,
        )
    )
    db.session.commit()
    return stored.rowcount == 1
