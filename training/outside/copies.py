"""Copies of a trainee's outside-training record: a double click on "Send", or one certificate
sent twice.

- ``sent_a_moment_ago``: ``services.add`` refuses a record the same in every respect (and the
  same file) as one the trainee sent within the last minute, which still waits. Two clicks at
  once are taken one at a time (``hold_submissions_of``), so the second sees the first.
- ``possible_copies``: what the lead's queue and record page point out: the trainee's other
  records with the same certificate file (SHA-256), or of the same course (provider and title,
  compared as ``certificates.outside_hours.course_key`` does) on the same day. The lead judges;
  the counting rule counts such a course once anyway (``counted_outside``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from certificates.outside_hours import course_key_of
from training.extensions import db
from training.models import User, utcnow
from training.outside.models import OutsideRecord, OutsideStatus
from training.uploads.models import StoredFile

#: a record sent again within this time, the same in every respect, is a double click
SAME_SUBMISSION_WINDOW = timedelta(minutes=1)


def hold_submissions_of(trainee: User) -> None:
    """One submission of the trainee's at a time: a lock on their row until the transaction
    ends (PostgreSQL; "no key", so rows that only point at the user, like the file about to be
    stored, are not held up). The second of two clicks waits, then sees the first's record.
    SQLite has one writer at a time: there the check, made after the file's INSERT, waits its
    turn the same way."""
    db.session.execute(select(User.id).where(User.id == trainee.id).with_for_update(key_share=True))


def sent_a_moment_ago(
    trainee_id: int,
    kind: str,
    provider: str,
    title: str,
    day: date,
    hours: dict[str, float],
    *,
    sha256: str,
) -> bool:
    """The trainee sent this same record (the same kind, facts and certificate file) within
    the last minute, and it still waits for a decision: this is a second click."""
    found = db.session.scalars(
        select(OutsideRecord.hours)
        .join(StoredFile, StoredFile.id == OutsideRecord.file_id)
        .where(
            OutsideRecord.trainee_id == trainee_id,
            OutsideRecord.kind == kind,
            OutsideRecord.status == OutsideStatus.SUBMITTED,
            OutsideRecord.provider == provider,
            OutsideRecord.title == title,
            OutsideRecord.day == day,
            OutsideRecord.submitted_at >= utcnow() - SAME_SUBMISSION_WINDOW,
            StoredFile.sha256 == sha256,
        )
    )
    return any(dict(sent) == hours for sent in found)


@dataclass(frozen=True)
class PossibleCopy:
    """Another record of the same trainee that a record looks like a copy of."""

    record_id: int
    status: str
    #: when it was approved or returned, or (waiting) when it was sent
    when: datetime
    #: the same certificate file (else: the same course from the same provider, same day)
    same_file: bool


@dataclass(frozen=True)
class _Row:
    id: int
    trainee_id: int
    key: tuple[str, str]
    day: date
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    sha256: str

    def looks_like(self, other: _Row) -> bool:
        return other.id != self.id and (
            other.sha256 == self.sha256 or (other.key, other.day) == (self.key, self.day)
        )

    def as_copy_of(self, other: _Row) -> PossibleCopy:
        when = other.decided_at if other.status != OutsideStatus.SUBMITTED else None
        return PossibleCopy(
            other.id, other.status, when or other.submitted_at, other.sha256 == self.sha256
        )


#: approved copies first (they count already), then returned, then waiting
_FIRST = {OutsideStatus.APPROVED: 0, OutsideStatus.RETURNED: 1, OutsideStatus.SUBMITTED: 2}


def possible_copies(records: Iterable[OutsideRecord]) -> dict[int, list[PossibleCopy]]:
    """For each record given (a page of them), the trainee's other records it looks like a
    copy of, approved ones first, then oldest first; records with none are left out. One
    query for the page."""
    wanted = {r.id: r.trainee_id for r in records}
    if not wanted:
        return {}
    rows = [
        _Row(row.id, row.trainee_id, course_key_of(row.provider, row.title), *row[4:])
        for row in db.session.execute(
            select(
                OutsideRecord.id,
                OutsideRecord.trainee_id,
                OutsideRecord.provider,
                OutsideRecord.title,
                OutsideRecord.day,
                OutsideRecord.status,
                OutsideRecord.submitted_at,
                OutsideRecord.decided_at,
                StoredFile.sha256,
            )
            .join(StoredFile, StoredFile.id == OutsideRecord.file_id)
            .where(OutsideRecord.trainee_id.in_(set(wanted.values())))
        )
    ]
    by_trainee: dict[int, list[_Row]] = {}
    for row in rows:
        by_trainee.setdefault(row.trainee_id, []).append(row)
    found: dict[int, list[PossibleCopy]] = {}
    for row in rows:
        if row.id not in wanted:
            continue
        copies = [
            row.as_copy_of(other) for other in by_trainee[row.trainee_id] if row.looks_like(other)
        ]
        if copies:
            found[row.id] = sorted(copies, key=lambda c: (_FIRST[c.status], c.when, c.record_id))
    return found
