"""Attempts at a track's internal final exam: where a trainee stands, starting an attempt,
submitting one, and the extra attempts a program lead grants.

The rules are the exam's (``max_attempts``, ``wait_hours``) plus the lead's grants, applied by
the database at every write as for the course quizzes (``training.learning.attempts``):

- one open attempt per trainee and track (the partial unique index
  ``uq_final_exam_attempt_open``): parallel "Start" clicks open one attempt, and every click
  lands on it;
- a new attempt is inserted only while the trainee has attempts left and has waited long
  enough (one ``INSERT … SELECT … WHERE``);
- a submission counts only while the trainee's finished attempts are fewer than they are
  allowed and none finished within the wait before it started (a conditional ``UPDATE``); an
  attempt over the limit is closed without counting.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import JSON, exists, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from certificates.rulebook import ExamRule
from certificates.tracks import Track
from courses.exam_draw import (
    blueprint_problems,
    draw_exam,
    exam_pools,
    grade_exam,
    rules_quiz,
)
from courses.model import Question
from courses.quiz import AttemptError, Availability, availability
from training import audit, content
from training.dates import long_time
from training.exams.models import FinalExamAttempt, FinalExamExtraAttempt
from training.extensions import db
from training.learning.attempts import AttemptHistory, Submitted, next_whole_minute, rules
from training.models import AttemptStatus, User, UTCDateTime, utcnow

SUBJECT = "user"


def internal_exam(track: Track | None) -> ExamRule | None:
    """The track's final exam, if it has an internal one."""
    if track is None or track.exam is None or track.exam.kind != "internal":
        return None
    return track.exam


def attempts_of(trainee_id: int, track_id: str) -> list[FinalExamAttempt]:
    return list(
        db.session.scalars(
            select(FinalExamAttempt)
            .where(FinalExamAttempt.trainee_id == trainee_id, FinalExamAttempt.track_id == track_id)
            .order_by(FinalExamAttempt.started_at, FinalExamAttempt.id)
        )
    )


def grants_of(trainee_id: int, track_id: str) -> list[FinalExamExtraAttempt]:
    return list(
        db.session.scalars(
            select(FinalExamExtraAttempt)
            .where(
                FinalExamExtraAttempt.trainee_id == trainee_id,
                FinalExamExtraAttempt.track_id == track_id,
            )
            .order_by(FinalExamExtraAttempt.granted_at, FinalExamExtraAttempt.id)
        )
    )


def _extra_count(trainee_id: int, track_id: str):  # type: ignore[no-untyped-def]
    """The attempts leads granted the trainee at this track's exam, as a SQL expression."""
    return (
        select(func.count())
        .select_from(FinalExamExtraAttempt)
        .where(
            FinalExamExtraAttempt.trainee_id == trainee_id,
            FinalExamExtraAttempt.track_id == track_id,
        )
        .scalar_subquery()
    )


@dataclass(frozen=True)
class ExamStanding(AttemptHistory[FinalExamAttempt]):
    """Where one trainee stands with one track's final exam."""

    track: Track
    rule: ExamRule
    history: list[FinalExamAttempt]
    grants: list[FinalExamExtraAttempt]
    availability: Availability
    #: why the exam cannot be drawn from the courses as they are (a content problem)
    problems: list[str]

    @property
    def extra(self) -> int:
        return len(self.grants)

    @property
    def allowed(self) -> int | None:
        """Attempts allowed in all (None: unlimited)."""
        return self.rule.max_attempts + self.extra if self.rule.max_attempts else None

    @property
    def out_of_attempts(self) -> bool:
        return not self.passed and self.availability.attempts_left == 0

    @property
    def refusal(self) -> str | None:
        """Why a new attempt may not start now, in words; None when it may."""
        if self.passed:
            return "You have passed the final exam: there is nothing more to take."
        if self.problems:
            return (
                "The final exam is not ready to be taken yet. Your program lead has been told "
                "what to fix; please try again later."
            )
        if self.availability.allowed:
            return None
        if self.availability.attempts_left == 0:
            return (
                f"You have used all {self.allowed} attempts at the final exam. If you need "
                "another, ask your program lead: they can grant an extra attempt."
            )
        assert self.availability.next_at is not None
        at = next_whole_minute(self.availability.next_at)
        hours = self.rule.wait_hours
        return (
            f"Please wait before your next attempt: you can start it at {long_time(at)} (the "
            f"exam asks for {hours} hour{'s' if hours != 1 else ''} between attempts)."
        )


def standing(trainee: User, track: Track, rule: ExamRule) -> ExamStanding:
    history = attempts_of(trainee.id, track.id)
    grants = grants_of(trainee.id, track.id)
    quiz = rules(rules_quiz(rule), len(grants))
    finished = [a.submitted_at for a in history if a.finished and a.submitted_at]
    problems = blueprint_problems(rule, content.library(), track.courses)
    return ExamStanding(
        track, rule, history, grants, availability(quiz, finished, utcnow()), problems
    )


def _within_limit(trainee_id: int, track_id: str, rule: ExamRule):  # type: ignore[no-untyped-def]
    """SQL conditions: the trainee's finished attempts are fewer than they are allowed."""
    if not rule.max_attempts:
        return []
    earlier = FinalExamAttempt.__table__.alias("earlier")
    finished = (
        select(func.count())
        .select_from(earlier)
        .where(
            earlier.c.trainee_id == trainee_id,
            earlier.c.track_id == track_id,
            earlier.c.status == AttemptStatus.FINISHED.value,
        )
        .scalar_subquery()
    )
    return [finished < rule.max_attempts + _extra_count(trainee_id, track_id)]


def _waited(trainee_id: int, track_id: str, rule: ExamRule, started_at):  # type: ignore[no-untyped-def]
    """SQL conditions: no finished attempt closer than the exam's wait before ``started_at``."""
    if not rule.wait_hours:
        return []
    earlier = FinalExamAttempt.__table__.alias("earlier")
    since = started_at - timedelta(hours=rule.wait_hours)
    recent = exists().where(
        earlier.c.trainee_id == trainee_id,
        earlier.c.track_id == track_id,
        earlier.c.status == AttemptStatus.FINISHED.value,
        earlier.c.submitted_at > literal(since, UTCDateTime()),
    )
    return [~recent]


def _insert(trainee: User, track: Track, rule: ExamRule) -> int | None:
    """Insert a new attempt if the rules allow it at this moment; its id, or None."""
    library = content.library()
    seed = secrets.randbelow(2**31)
    pools = exam_pools(library, track.courses)
    refs = draw_exam(rule, pools, seed)
    domain_of = {ref: domain for domain, pool in pools.items() for ref in pool}
    versions = {}
    for course_id, _ in refs:
        course = library.course(course_id)
        assert course is not None  # the pools hold the library's courses only
        versions[course_id] = course.version
    started_at = utcnow()
    values = {
        "trainee_id": literal(trainee.id),
        "track_id": literal(track.id),
        "content_versions": literal(versions, JSON()),
        "seed": literal(seed),
        "question_refs": literal([list(ref) for ref in refs], JSON()),
        "domains": literal([domain_of[ref] for ref in refs], JSON()),
        "status": literal(AttemptStatus.IN_PROGRESS.value),
        "started_at": literal(started_at, UTCDateTime()),
        "passed": literal(False),
    }
    rows = select(*values.values()).where(
        *_within_limit(trainee.id, track.id, rule),
        *_waited(trainee.id, track.id, rule, started_at),
    )
    statement = (
        insert(FinalExamAttempt).from_select(list(values), rows).returning(FinalExamAttempt.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def start_attempt(trainee: User, track: Track, rule: ExamRule) -> FinalExamAttempt:
    """The trainee's open attempt, or a new one; raises ``AttemptError`` when none may start.

    Two clicks at once both try to insert; the database keeps one (``uq_final_exam_attempt_
    open``) and the other click reads it back, so both land on the same attempt."""
    trainee_id = trainee.id
    for _ in range(3):
        now = standing(trainee, track, rule)
        if now.open_attempt is not None:
            return now.open_attempt
        if now.refusal:
            raise AttemptError(now.refusal)
        try:
            new_id = _insert(trainee, track, rule)
            db.session.commit()
        except IntegrityError:  # another click opened one a moment ago: land on it
            db.session.rollback()
            continue
        if new_id is not None:
            attempt = db.session.get(FinalExamAttempt, new_id)
            assert attempt is not None and attempt.trainee_id == trainee_id
            return attempt
        db.session.rollback()  # an attempt finished a moment ago: read the rules again
    raise AttemptError("Your attempts changed while the exam was starting. Please try again.")


def questions_of(attempt: FinalExamAttempt) -> list[Question] | None:
    """The attempt's questions from the courses as they are now; None when any is gone (an edit
    removed a question or a course: the attempt can no longer be graded)."""
    library = content.library()
    questions = []
    for course_id, question_id in attempt.refs:
        course = library.course(course_id)
        question = course.quiz.question(question_id) if course is not None else None
        if question is None:
            return None
        questions.append(question)
    return questions


def abandon(attempt: FinalExamAttempt) -> None:
    """Close an open attempt without counting (its questions changed under it)."""
    db.session.execute(
        update(FinalExamAttempt)
        .where(
            FinalExamAttempt.id == attempt.id,
            FinalExamAttempt.status == AttemptStatus.IN_PROGRESS,
        )
        .values(status=AttemptStatus.ABANDONED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(attempt)


def submit_attempt(
    rule: ExamRule,
    attempt: FinalExamAttempt,
    questions: list[Question],
    responses: dict[str, list[str]],
) -> Submitted:
    """Grade and store an attempt, if it is still open and within the trainee's limit, with an
    audit event. Raises ``AttemptError`` for incomplete or tampered answers, recording nothing.
    """
    result = grade_exam(rule, questions, responses)
    attempt_id, trainee_id, track_id = attempt.id, attempt.trainee_id, attempt.track_id
    still_open = (
        FinalExamAttempt.id == attempt_id,
        FinalExamAttempt.status == AttemptStatus.IN_PROGRESS,
    )
    stored = db.session.execute(
        update(FinalExamAttempt)
        .where(
            *still_open,
            *_within_limit(trainee_id, track_id, rule),
            *_waited(trainee_id, track_id, rule, attempt.started_at),
        )
        .values(
            status=AttemptStatus.FINISHED,
            submitted_at=utcnow(),
            answers={r.question_id: sorted(r.response) for r in result.results},
            correct_positions=[int(r.question_id) for r in result.results if r.correct],
            correct_count=result.correct,
            score_percent=result.percent,
            pass_percent=rule.pass_percent,
            passed=result.passed,
        )
        .execution_options(synchronize_session=False)
    )
    if stored.rowcount == 1:
        audit.record(
            attempt.trainee,
            SUBJECT,
            trainee_id,
            "final exam attempt submitted",
            to_status="passed" if result.passed else "not passed",
            comment=f"{rule.name} ({track_id}): {result.correct} of {result.total} right, "
            f"{result.percent:g} % (pass mark {rule.pass_percent} %)",
        )
        db.session.commit()
        return Submitted.COUNTED
    closed = db.session.execute(
        update(FinalExamAttempt)
        .where(*still_open)
        .values(status=AttemptStatus.ABANDONED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return Submitted.OVER_LIMIT if closed.rowcount == 1 else Submitted.ALREADY


def grant_extra_attempt(
    lead: User, trainee: User, track: Track, reason: str, seen: int
) -> int | None:
    """Give a trainee one more attempt at the track's final exam, with the lead's reason and an
    audit event (one transaction); the new grant's id. Only while the trainee has ``seen``
    grants, as many as the lead's page showed (one ``INSERT … SELECT … WHERE``): a double
    click, or a page from before another lead's grant, adds nothing (None). The trainee's row
    is held first (PostgreSQL; SQLite has one writer), so two grants take turns and the second
    counts the first's."""
    db.session.execute(select(User.id).where(User.id == trainee.id).with_for_update(key_share=True))
    values = {
        "trainee_id": literal(trainee.id),
        "track_id": literal(track.id),
        "reason": literal(reason),
        "granted_by_id": literal(lead.id),
        "granted_at": literal(utcnow(), UTCDateTime()),
    }
    rows = select(*values.values()).where(_extra_count(trainee.id, track.id) == seen)
    statement = (
        insert(FinalExamExtraAttempt)
        .from_select(list(values), rows)
        .returning(FinalExamExtraAttempt.id)
    )
    grant_id = db.session.execute(statement).scalar_one_or_none()
    if grant_id is None:
        db.session.rollback()
        return None
    name = track.exam.name if track.exam else "the final exam"
    audit.record(
        lead,
        SUBJECT,
        trainee.id,
        "extra exam attempt granted",
        comment=f"1 extra attempt at {name} ({track.id}): {reason}",
    )
    db.session.commit()
    return grant_id
