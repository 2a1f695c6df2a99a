"""Quiz attempts: where a trainee stands, starting an attempt, submitting one, and the extra
attempts a program lead grants.

The rules are the quiz's (``max_attempts``, ``wait_minutes``) plus the lead's grants, and the
database applies them at every write, never a check read before it:

- one open attempt per trainee and course (the partial unique index ``uq_quiz_attempt_open``):
  parallel "Start" clicks open one attempt, and every click lands on it;
- a new attempt is inserted only while the trainee has attempts left and has waited long
  enough (one ``INSERT … SELECT … WHERE``);
- a submission counts only while the trainee's finished attempts are fewer than they are
  allowed and none finished within the wait before it started (a conditional ``UPDATE``); an
  attempt over the limit (opened in a race, or before the quiz's rules changed) is closed
  without counting.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from sqlalchemy import JSON, exists, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from courses.model import Course, Module, Quiz
from courses.quiz import AttemptError, Availability, Grade, availability, draw_questions, grade
from training import audit
from training.dates import duration, long_time
from training.extensions import db
from training.learning import quiz_tallies
from training.learning.models import ExtraAttempts
from training.models import (
    AttemptStatus,
    ModuleProgress,
    QuizAttempt,
    User,
    UTCDateTime,
    utcnow,
)


def attempts(user: User, course_id: str) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == course_id)
            .order_by(QuizAttempt.started_at, QuizAttempt.id)
        )
    )


def _extra_sum(user_id: int, course_id: str):  # type: ignore[no-untyped-def]
    """The attempts leads granted the trainee at this course, as a SQL expression."""
    return (
        select(func.coalesce(func.sum(ExtraAttempts.attempts), 0))
        .where(ExtraAttempts.trainee_id == user_id, ExtraAttempts.course_id == course_id)
        .scalar_subquery()
    )


def extra_attempts(user_id: int, course_id: str) -> int:
    return int(db.session.scalar(select(_extra_sum(user_id, course_id))) or 0)


def rules(quiz: Quiz, extra: int) -> Quiz:
    """The quiz as it applies to one trainee: ``max_attempts`` plus their extra attempts (an
    unlimited quiz stays unlimited)."""
    return replace(quiz, max_attempts=quiz.max_attempts + extra) if quiz.max_attempts else quiz


class Attempt(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def passed(self) -> bool: ...
    @property
    def finished(self) -> bool: ...


A = TypeVar("A", bound=Attempt)


class AttemptHistory(Generic[A]):
    """What a trainee's attempts say, the same for a course's quiz and a track's final exam:
    ``history`` is their attempts, oldest first."""

    history: list[A]

    @property
    def used(self) -> int:
        return sum(1 for a in self.history if a.finished)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.history)

    @property
    def open_attempt(self) -> A | None:
        return next((a for a in self.history if a.status == AttemptStatus.IN_PROGRESS), None)

    @property
    def finished(self) -> list[A]:
        return [a for a in self.history if a.status != AttemptStatus.IN_PROGRESS]


def next_whole_minute(at: datetime) -> datetime:
    """``at`` rounded up to the minute: "you can start it at 15:01" must not be refused at
    15:01."""
    return at.replace(second=0, microsecond=0) + (
        timedelta(minutes=1) if at.second or at.microsecond else timedelta()
    )


@dataclass(frozen=True)
class Standing(AttemptHistory[QuizAttempt]):
    """Where one trainee stands with one course's quiz."""

    course: Course
    history: list[QuizAttempt]
    extra: int  # attempts granted by a lead
    modules_left: list[Module]  # modules to mark complete first (quiz_requires_modules)
    availability: Availability

    @property
    def allowed(self) -> int | None:
        """Attempts allowed in all (None: unlimited)."""
        return rules(self.course.quiz, self.extra).max_attempts or None

    @property
    def refusal(self) -> str | None:
        """Why a new attempt may not start now, in words; None when it may."""
        if self.modules_left:
            titles = ", ".join(f"“{m.title}”" for m in self.modules_left)
            return f"Please mark every module complete before the quiz. Still to do: {titles}."
        if self.availability.allowed:
            return None
        if self.availability.attempts_left == 0:
            return (
                f"You have used all {self.allowed} attempts at this quiz. If you need another, "
                "ask your program lead: they can grant extra attempts."
            )
        assert self.availability.next_at is not None
        at = next_whole_minute(self.availability.next_at)
        return (
            f"Please wait before your next attempt: you can start it at "
            f"{long_time(at)} (the quiz asks for "
            f"{duration(self.course.quiz.wait_minutes)} between attempts)."
        )


def standing(user: User, course: Course) -> Standing:
    history = attempts(user, course.id)
    extra = extra_attempts(user.id, course.id)
    left: list[Module] = []
    if course.quiz_requires_modules:
        done = set(
            db.session.scalars(
                select(ModuleProgress.module_id).where(
                    ModuleProgress.user_id == user.id,
                    ModuleProgress.course_id == course.id,
                    ModuleProgress.completed_at.is_not(None),
                )
            )
        )
        left = [m for m in course.modules if m.id not in done]
    finished = [a.submitted_at for a in history if a.finished and a.submitted_at]
    allowed = availability(rules(course.quiz, extra), finished, utcnow())
    return Standing(course, history, extra, left, allowed)


def new_attempt(user: User, course: Course, seed: int) -> QuizAttempt:
    """An attempt at the course's quiz, its questions drawn with ``seed`` (not yet saved)."""
    return QuizAttempt(
        user_id=user.id,
        course_id=course.id,
        content_version=course.version,
        seed=seed,
        question_ids=draw_questions(course.quiz, seed),
        status=AttemptStatus.IN_PROGRESS,
        started_at=utcnow(),
        passed=False,
    )


def _within_limit(user_id: int, course: Course):  # type: ignore[no-untyped-def]
    """SQL conditions: the trainee's finished attempts are fewer than they are allowed."""
    if not course.quiz.max_attempts:
        return []
    earlier = QuizAttempt.__table__.alias("earlier")
    finished = (
        select(func.count())
        .select_from(earlier)
        .where(
            earlier.c.user_id == user_id,
            earlier.c.course_id == course.id,
            earlier.c.status == AttemptStatus.FINISHED.value,
        )
        .scalar_subquery()
    )
    return [finished < course.quiz.max_attempts + _extra_sum(user_id, course.id)]


def _waited(user_id: int, course: Course, attempt: QuizAttempt):  # type: ignore[no-untyped-def]
    """SQL conditions: no finished attempt closer than the quiz's wait before ``attempt``."""
    if not course.quiz.wait_minutes:
        return []
    earlier = QuizAttempt.__table__.alias("earlier")
    since = attempt.started_at - timedelta(minutes=course.quiz.wait_minutes)
    recent = exists().where(
        earlier.c.user_id == user_id,
        earlier.c.course_id == course.id,
        earlier.c.status == AttemptStatus.FINISHED.value,
        earlier.c.submitted_at > literal(since, UTCDateTime()),
    )
    return [~recent]


def _insert(user: User, course: Course) -> int | None:
    """Insert a new attempt if the rules allow it at this moment; its id, or None."""
    attempt = new_attempt(user, course, secrets.randbelow(2**31))
    values = {
        "user_id": literal(attempt.user_id),
        "course_id": literal(attempt.course_id),
        "content_version": literal(attempt.content_version),
        "seed": literal(attempt.seed),
        "question_ids": literal(attempt.question_ids, JSON()),
        "status": literal(AttemptStatus.IN_PROGRESS.value),
        "started_at": literal(attempt.started_at, UTCDateTime()),
        "passed": literal(False),
    }
    rows = select(*values.values()).where(
        *_within_limit(user.id, course), *_waited(user.id, course, attempt)
    )
    statement = insert(QuizAttempt).from_select(list(values), rows).returning(QuizAttempt.id)
    return db.session.execute(statement).scalar_one_or_none()


def start_attempt(user: User, course: Course) -> QuizAttempt:
    """The trainee's open attempt, or a new one; raises ``AttemptError`` when none may start.

    Two clicks at once both try to insert; the database keeps one (``uq_quiz_attempt_open``)
    and the other click reads it back, so both land on the same attempt."""
    user_id = user.id
    for _ in range(3):
        now = standing(user, course)
        if now.open_attempt is not None:
            return now.open_attempt
        if now.refusal:
            raise AttemptError(now.refusal)
        try:
            new_id = _insert(user, course)
            db.session.commit()
        except IntegrityError:  # another click opened one a moment ago: land on it
            db.session.rollback()
            continue
        if new_id is not None:
            attempt = db.session.get(QuizAttempt, new_id)
            assert attempt is not None and attempt.user_id == user_id
            return attempt
        db.session.rollback()  # an attempt finished a moment ago: read the rules again
    raise AttemptError("Your attempts changed while the quiz was starting. Please try again.")


def attempt_is_stale(course: Course, attempt: QuizAttempt) -> bool:
    """True when the course's quiz no longer has every question the attempt drew."""
    return any(course.quiz.question(qid) is None for qid in attempt.question_ids)


def abandon(attempt: QuizAttempt) -> None:
    attempt.status = AttemptStatus.ABANDONED
    db.session.commit()


class Submitted(StrEnum):
    COUNTED = "counted"
    #: submitted before (a double click, a replayed request): the first submission counts
    ALREADY = "already"
    #: the trainee had no attempt left by the time it was submitted: closed without counting
    OVER_LIMIT = "over_limit"


def submit_attempt(
    course: Course, attempt: QuizAttempt, responses: dict[str, list[str]]
) -> Submitted:
    """Grade and store an attempt, if it is still open and within the trainee's limit.

    Raises ``AttemptError`` for incomplete or tampered answers, recording nothing.
    """
    result: Grade = grade(course.quiz, attempt.question_ids, responses)
    attempt_id, user_id = attempt.id, attempt.user_id
    still_open = (QuizAttempt.id == attempt_id, QuizAttempt.status == AttemptStatus.IN_PROGRESS)
    correct_ids = [r.question_id for r in result.results if r.correct]
    stored = db.session.execute(
        update(QuizAttempt)
        .where(*still_open, *_within_limit(user_id, course), *_waited(user_id, course, attempt))
        .values(
            status=AttemptStatus.FINISHED,
            submitted_at=utcnow(),
            answers={r.question_id: sorted(r.response) for r in result.results},
            correct_ids=correct_ids,
            correct_count=result.correct,
            score_percent=result.percent,
            passed=result.passed,
        )
        .execution_options(synchronize_session=False)
    )
    if stored.rowcount == 1:
        # counted once: only the submission that finished the attempt gets here
        quiz_tallies.count_graded(
            user_id, course.id, result.passed, attempt.question_ids, correct_ids
        )
        db.session.commit()
        return Submitted.COUNTED
    closed = db.session.execute(
        update(QuizAttempt)
        .where(*still_open)
        .values(status=AttemptStatus.ABANDONED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return Submitted.OVER_LIMIT if closed.rowcount == 1 else Submitted.ALREADY


def grant_extra_attempts(
    lead: User, trainee: User, course: Course, count: int, reason: str
) -> ExtraAttempts:
    """Give a trainee ``count`` more attempts at a course's quiz, with the lead's reason, and
    record it in the audit log (one transaction)."""
    grant = ExtraAttempts(
        trainee_id=trainee.id,
        course_id=course.id,
        attempts=count,
        reason=reason,
        granted_by_id=lead.id,
    )
    db.session.add(grant)
    audit.record(
        lead,
        "user",
        trainee.id,
        "extra quiz attempts granted",
        comment=f"{count} extra attempt{'s' if count != 1 else ''} at the quiz of "
        f"“{course.title}”: {reason}",
    )
    db.session.commit()
    return grant
