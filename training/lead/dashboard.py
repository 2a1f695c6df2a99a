"""The cohort dashboard: one row per trainee, built in a fixed number of queries.

Each row's eligibility checklist is worked out only when something reads it (the page's rows,
the CSV, a sort by requirements): it is most of the time a row takes, and the charts, which
count the whole cohort, mostly do without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import func, select

from certificates.eligibility import Checklist, TraineeRecord, eligibility
from certificates.tracks import Track
from training import content
from training.certs.held import held_certificates
from training.certs.renewals import window
from training.certs.services import records_of, standing
from training.extensions import db
from training.models import Certificate, ModuleProgress, QuizAttempt, Role, User
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
    #: the newest certificate of the track, whatever its status, and that status ("none")
    certificate: Certificate | None
    certificate_status: str
    #: the track's practice exercises: accepted, waiting, returned, not started
    exercises: PracticeCounts
    track: Track = field(repr=False)
    record: TraineeRecord = field(repr=False)
    #: has begun: opened a module, scored a quiz, logged hours or sent in practice
    started: bool = False
    #: the certificate in force (valid or expired, neither revoked nor replaced), if any
    current: Certificate | None = None
    #: days until a valid certificate expires, when its renewal reminders have begun (the
    #: track's reminder window, 60 days unless the track says otherwise); else None
    expires_in: int | None = None

    @cached_property
    def checklist(self) -> Checklist:
        return eligibility(self.track, self.record)

    @property
    def eligible(self) -> bool:
        # Every course of the track is on the checklist: whoever has not finished them all is
        # not eligible, and their checklist need not be worked out to know it.
        return self.courses_done >= self.courses_total and self.checklist.eligible

    @property
    def can_issue(self) -> bool:
        """A lead may issue the certificate now: a trainee with every requirement met and no
        certificate in force (none yet, or the last one revoked)."""
        return self.user.role == Role.TRAINEE and self.current is None and self.eligible

    @property
    def certified(self) -> bool:
        return self.certificate_status == "valid"

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
    certificates = held_certificates(ids, track)
    opened = set(
        db.session.scalars(
            select(ModuleProgress.user_id).where(ModuleProgress.user_id.in_(ids)).distinct()
        )
    )
    reminded_from = window(track)
    library = content.library()
    courses = [c for c in (library.course(i) for i in track.courses) if c is not None]
    exercises = practice_counts(ids, courses)
    rows = []
    for trainee in trainees:
        record = records[trainee.id]
        held = certificates[trainee.id]  # newest first
        certificate = held[0] if held else None
        status = certificate.status(today) if certificate else "none"
        counts = exercises[trainee.id]
        days_left = (certificate.expires_on - today).days if certificate else None
        rows.append(
            Row(
                user=trainee,
                courses_done=len(record.completed_courses & set(track.courses)),
                courses_total=len(track.courses),
                best_scores=best[trainee.id],
                practice_minutes=record.hours.approved_practice,
                supervision_minutes=record.hours.approved_supervision,
                certificate=certificate,
                certificate_status=status,
                exercises=counts,
                track=track,
                record=record,
                started=trainee.id in opened
                or bool(best[trainee.id])
                or any(record.hours.by_status.values())
                or counts.total > counts.not_started,
                current=standing(held, track)[0],
                expires_in=days_left
                if status == "valid" and days_left is not None and days_left <= reminded_from
                else None,
            )
        )
    return rows


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    return sorted(rows, key=SORTS.get(key, SORTS["name"]), reverse=descending)
