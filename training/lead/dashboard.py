"""The cohort dashboard: one row per trainee, built in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from certificates.eligibility import Checklist, eligibility
from certificates.tracks import Track
from training import content
from training.certs.services import records_of
from training.extensions import db
from training.models import Certificate, QuizAttempt, User
from training.practice.services import PracticeCounts, practice_counts

PAGE_SIZE = 25
SORTS = {
    "name": lambda r: r.user.name.lower(),
    "courses": lambda r: r.courses_done,
    "quiz": lambda r: r.average_score,
    "practice": lambda r: r.practice_minutes,
    "exercises": lambda r: (r.exercises.accepted, r.exercises.waiting),
    "supervision": lambda r: r.supervision_minutes,
    "requirements": lambda r: r.checklist.items and sum(i.met for i in r.checklist.items),
    "certificate": lambda r: r.certificate.expires_on if r.certificate else date.max,
}


@dataclass
class Row:
    user: User
    courses_done: int
    courses_total: int
    best_scores: dict[str, float]
    practice_minutes: int
    supervision_minutes: int
    checklist: Checklist
    certificate: Certificate | None
    certificate_status: str
    #: the track's practice exercises: accepted, waiting, returned, not started
    exercises: PracticeCounts

    @property
    def average_score(self) -> float:
        return sum(self.best_scores.values()) / len(self.best_scores) if self.best_scores else 0.0

    @property
    def met(self) -> int:
        return sum(item.met for item in self.checklist.items)


def rows_for(trainees: list[User], track: Track, today: date) -> list[Row]:
    ids = [t.id for t in trainees]
    records = records_of(trainees, track)
    best: dict[int, dict[str, float]] = {i: {} for i in ids}
    for user_id, course_id, score in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.course_id, func.max(QuizAttempt.score_percent))
        .where(QuizAttempt.user_id.in_(ids), QuizAttempt.score_percent.is_not(None))
        .group_by(QuizAttempt.user_id, QuizAttempt.course_id)
    ):
        best[user_id][course_id] = score
    newest: dict[int, Certificate] = {}
    for certificate in db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id.in_(ids), Certificate.track_id == track.id)
        .order_by(Certificate.issued_at)
    ):
        newest[certificate.user_id] = certificate
    library = content.library()
    courses = [c for c in (library.course(i) for i in track.courses) if c is not None]
    exercises = practice_counts(ids, courses)
    rows = []
    for trainee in trainees:
        record = records[trainee.id]
        certificate = newest.get(trainee.id)
        rows.append(
            Row(
                user=trainee,
                courses_done=len(record.completed_courses & set(track.courses)),
                courses_total=len(track.courses),
                best_scores=best[trainee.id],
                practice_minutes=record.hours.approved_practice,
                supervision_minutes=record.hours.approved_supervision,
                checklist=eligibility(track, record),
                certificate=certificate,
                certificate_status=certificate.status(today) if certificate else "none",
                exercises=exercises[trainee.id],
            )
        )
    return rows


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    return sorted(rows, key=SORTS.get(key, SORTS["name"]), reverse=descending)
