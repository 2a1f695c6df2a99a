"""Gathering what a new certificate certifies and its transcript, from the database: the
trainee's eligibility record (``services.record_of``, the same facts the checklist counts), the
day each completed course's last requirement was met, and for a renewal the continuing education
counted for it (as the renewal checklist counts it: ``training.certs.renewals``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from certificates.eligibility import TraineeRecord
from certificates.outside_hours import ce_counted
from certificates.tracks import Track
from certificates.transcript import CompletedCourse, certifies, transcript
from certificates.transcript_digest import TRANSCRIPT_DIGEST, transcript_sha256
from training import content
from training.extensions import db
from training.models import ModuleProgress, QuizAttempt, User
from training.outside.services import approved_ce
from training.practice.models import PracticeResponse, PracticeStatus


def _latest(into: dict[str, datetime], course_id: str, moment: datetime | None) -> None:
    if moment is not None and (course_id not in into or moment > into[course_id]):
        into[course_id] = moment


def completion_moments(user: User, course_ids: frozenset[str]) -> dict[str, datetime]:
    """When each completed course's last requirement was met: its last module read, its quiz
    first passed, or its last practice exercise accepted (three queries)."""
    library = content.library()
    wanted = {c.id: c for c in library.courses if c.id in course_ids}
    moments: dict[str, datetime] = {}
    if not wanted:
        return moments
    for course_id, module_id, completed_at in db.session.execute(
        select(
            ModuleProgress.course_id, ModuleProgress.module_id, ModuleProgress.completed_at
        ).where(
            ModuleProgress.user_id == user.id,
            ModuleProgress.course_id.in_(wanted),
            ModuleProgress.completed_at.is_not(None),
        )
    ):
        if wanted[course_id].module(module_id) is not None:
            _latest(moments, course_id, completed_at)
    for course_id, first_pass in db.session.execute(
        select(QuizAttempt.course_id, func.min(QuizAttempt.submitted_at))
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_id.in_(wanted),
            QuizAttempt.passed.is_(True),
        )
        .group_by(QuizAttempt.course_id)
    ):
        _latest(moments, course_id, first_pass)
    for course_id, exercise_id, reviewed_at in db.session.execute(
        select(
            PracticeResponse.course_id, PracticeResponse.exercise_id, PracticeResponse.reviewed_at
        ).where(
            PracticeResponse.trainee_id == user.id,
            PracticeResponse.course_id.in_(wanted),
            PracticeResponse.status == PracticeStatus.ACCEPTED,
        )
    ):
        if wanted[course_id].exercise(exercise_id) is not None:
            _latest(moments, course_id, reviewed_at)
    return moments


def completed_courses(user: User, record: TraineeRecord) -> list[CompletedCourse]:
    moments = completion_moments(user, record.completed_courses)
    return [
        CompletedCourse(
            course_id,
            record.course_titles.get(course_id, course_id),
            moments[course_id].date(),
            dict(record.course_hours.get(course_id, {})),
        )
        for course_id in sorted(record.completed_courses)
        if course_id in moments
    ]


@dataclass(frozen=True)
class Sections:
    """What a new certificate signs of what its holder completed (``signed``: the "certifies"
    section and the transcript's digest), and the transcript itself (``transcript``: its lines
    as JSON), which is stored beside the payload, not in it."""

    signed: dict[str, Any]
    transcript: list[dict[str, Any]]


def signed_sections(user: User, track: Track, renews: tuple[date, date] | None = None) -> Sections:
    """What a new certificate signs for the trainee as they stand now; ``renews``: the
    validity (issued on, expires on) of the certificate a renewal replaces, whose counted
    continuing education the renewal names."""
    from training.certs.services import record_of

    record = record_of(user, track)
    ce = ce_counted(approved_ce(user.id), *renews) if renews else []
    lines = [
        line.as_payload() for line in transcript(completed_courses(user, record), record, track, ce)
    ]
    return Sections(
        signed={
            "certifies": certifies(track, record, ce).as_payload(),
            TRANSCRIPT_DIGEST: transcript_sha256(lines),
        },
        transcript=lines,
    )
