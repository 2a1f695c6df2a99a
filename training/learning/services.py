"""Learning records: reading progress, stored for one trainee at a time (quiz attempts are in
``training.learning.attempts``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from courses.model import Course
from courses.progress import CourseProgress, course_progress
from training.extensions import db
from training.models import ModuleProgress, QuizAttempt, User, utcnow


@dataclass
class LearningRecord:
    """What one trainee has done, across every course, read in three queries."""

    completed: dict[str, set[str]]
    last_viewed: dict[str, str]
    passed_courses: set[str]
    #: course id -> the practice exercises a supervisor accepted
    accepted: dict[str, set[str]] = field(default_factory=dict)

    def progress(self, course: Course) -> CourseProgress:
        return course_progress(
            course,
            self.completed.get(course.id, set()),
            course.id in self.passed_courses,
            self.accepted.get(course.id, set()),
        )


def learning_record(user: User) -> LearningRecord:
    completed: dict[str, set[str]] = defaultdict(set)
    last_viewed: dict[str, tuple[datetime, str]] = {}
    # plain rows, not ORM objects: a trainee who finished the track has one per module (58)
    rows = db.session.execute(
        select(
            ModuleProgress.course_id,
            ModuleProgress.module_id,
            ModuleProgress.completed_at,
            ModuleProgress.last_viewed_at,
        ).where(ModuleProgress.user_id == user.id)
    )
    for course_id, module_id, completed_at, viewed_at in rows:
        if completed_at is not None:
            completed[course_id].add(module_id)
        best = last_viewed.get(course_id)
        if best is None or viewed_at > best[0]:
            last_viewed[course_id] = (viewed_at, module_id)
    passed = set(
        db.session.scalars(
            select(QuizAttempt.course_id)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.passed.is_(True))
            .distinct()
        )
    )
    from training.practice.services import accepted_exercises

    return LearningRecord(
        completed,
        {k: v[1] for k, v in last_viewed.items()},
        passed,
        accepted_exercises([user.id])[user.id],
    )


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
