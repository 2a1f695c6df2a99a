"""Outside training and continuing education through their life: a trainee records a course
with its certificate (submitted), a lead approves it (locked) or returns it with a comment, the
trainee corrects and resubmits a returned one or withdraws one not yet approved.

Every change of status is a conditional UPDATE or DELETE (``WHERE status = <what we saw>``), so
when two people act on one record at the same moment exactly one change takes effect; the other
is told plainly. A lead's decision also names the version they looked at (when the record was
last sent, ``version_of``), so a decision taken on a page opened before the trainee corrected
and resent the record changes nothing. Each change writes an audit event in the same
transaction.

Copies: the lead is shown a record's likely copies (``copies.possible_copies``), the counting
rule counts a course once (``certificates.outside_hours.counted_outside``), and a trainee's
double click sends a record once (``add``). The lists leads and supervisors page through are
in ``queries``.

For the integrator: ``approved_outside`` and ``approved_ce`` give the approved records as the
pure rules read them (``certificates.rulebook.OutsideTraining``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from certificates.outside_hours import KINDS, counted_outside, total
from certificates.rulebook import OutsideTraining
from training import audit
from training.dates import long_time
from training.extensions import db
from training.hours.assignments import supervises
from training.hours.services import track_for
from training.mail import notices
from training.models import Role, User, utcnow
from training.outside import copies
from training.outside.models import OutsideRecord, OutsideStatus
from training.uploads import services as uploads

SUBJECT = "outside_record"


class OutsideError(ValueError):
    """An action that cannot be taken, with a message for the person who tried."""

    #: how the message is shown (a flash message's category)
    category = "error"


class AlreadySent(OutsideError):
    """A second click on "Send": the first one's record stands."""

    category = "info"


class RecordChanged(OutsideError):
    """The trainee sent the record again after the lead opened it: nothing was decided."""


# --- for the integrator ------------------------------------------------------------------------


def as_training(record: OutsideRecord) -> OutsideTraining:
    return OutsideTraining(
        id=record.id,
        kind=record.kind,
        provider=record.provider,
        title=record.title,
        day=record.day,
        hours=dict(record.hours),
    )


def approved_outside(
    user_ids: list[int], kind: str = "outside"
) -> dict[int, list[OutsideTraining]]:
    """Each trainee's approved records of ``kind`` ("outside" or "ce"), oldest first, in one
    query; every id given is a key (with an empty list for a trainee who has none)."""
    found: dict[int, list[OutsideTraining]] = {i: [] for i in user_ids}
    if not user_ids:
        return found
    rows = db.session.scalars(
        select(OutsideRecord)
        .where(
            OutsideRecord.trainee_id.in_(list(set(user_ids))),
            OutsideRecord.kind == kind,
            OutsideRecord.status == OutsideStatus.APPROVED,
        )
        .order_by(OutsideRecord.day, OutsideRecord.id)
    )
    for record in rows:
        found[record.trainee_id].append(as_training(record))
    return found


def approved_ce(user_id: int) -> list[OutsideTraining]:
    """The trainee's approved continuing-education records, oldest first."""
    return approved_outside([user_id], "ce")[user_id]


# --- who may see what --------------------------------------------------------------------------


def may_view(user: User, record: OutsideRecord) -> bool:
    """The trainee, program leads, and the supervisors assigned to the trainee."""
    return may_see_records_of(user, record.trainee_id)


def may_see_records_of(user: User, trainee_id: int) -> bool:
    """Program leads (anyone's), a trainee (their own), a supervisor (their assigned
    trainees')."""
    if user.role == Role.LEAD or trainee_id == user.id:
        return True
    return supervises(user, trainee_id)


def records_of(trainee: User) -> list[OutsideRecord]:
    """The trainee's records, newest first."""
    return list(
        db.session.scalars(
            select(OutsideRecord)
            .options(joinedload(OutsideRecord.decided_by))
            .where(OutsideRecord.trainee_id == trainee.id)
            .order_by(OutsideRecord.day.desc(), OutsideRecord.id.desc())
        )
    )


@dataclass(frozen=True)
class Allowance:
    """How much of the trainee's approved outside training counts toward their track."""

    track_title: str
    #: the most outside hours the track counts (0: none)
    cap: float
    approved: float
    counted: float
    #: continuing education the track asks for at renewal (0: none), in all and by domain
    ce_hours: float
    ce_by_domain: Mapping[str, float]


def allowance_of(trainee: User, records: list[OutsideRecord]) -> Allowance | None:
    track = track_for(trainee)
    if track is None:
        return None
    approved = [
        as_training(r)
        for r in records
        if r.kind == "outside" and r.status == OutsideStatus.APPROVED
    ]
    cap = track.training.outside_max_hours
    education = track.renewal.continuing_education
    return Allowance(
        track_title=track.title,
        cap=cap,
        approved=sum(total(r.hours) for r in approved),
        counted=total(counted_outside(approved, cap)),
        ce_hours=education.hours,
        ce_by_domain=dict(education.by_domain),
    )


# --- the trainee's changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the trainee typed (already checked by the form and ``hours_problem``)."""

    provider: str
    title: str
    day: date
    hours: dict[str, float]


def add(trainee: User, kind: str, facts: Facts, file_storage: FileStorage) -> OutsideRecord:
    """Record a course with its certificate, submitted to the leads. UploadError (nothing
    saved) when the file is refused."""
    if kind not in KINDS:
        raise OutsideError("Choose outside training or continuing education.")
    copies.hold_submissions_of(trainee)
    stored = uploads.store_upload(file_storage, trainee)
    sent = (trainee.id, kind, facts.provider, facts.title, facts.day, _clean_hours(facts.hours))
    if copies.sent_a_moment_ago(*sent, sha256=stored.sha256):
        db.session.rollback()  # the file stored just now goes with it
        raise AlreadySent(
            "You sent this record a moment ago: it is waiting for your program lead. It was "
            "not sent twice."
        )
    record = OutsideRecord(trainee_id=trainee.id, kind=kind, file_id=stored.id)
    _fill(record, facts)
    db.session.add(record)
    db.session.flush()
    audit.record(
        trainee, SUBJECT, record.id, "submitted", None, OutsideStatus.SUBMITTED, _line(kind, facts)
    )
    db.session.commit()
    return record


def resubmit(
    trainee: User, record: OutsideRecord, facts: Facts, file_storage: FileStorage | None
) -> None:
    """Correct a returned record and send it again; its certificate is kept unless a new one
    is given (the old one is then deleted). Only while it is still returned."""
    if record.trainee_id != trainee.id:
        raise OutsideError("This is not your record.")
    old_file = record.file_id
    new_file = uploads.store_upload(file_storage, trainee).id if file_storage else None
    values = {
        "provider": facts.provider,
        "title": facts.title,
        "day": facts.day,
        "hours": _clean_hours(facts.hours),
        "file_id": new_file or old_file,
        "status": OutsideStatus.SUBMITTED,
        "submitted_at": utcnow(),
        "updated_at": utcnow(),
        # the return it answers stays in the audit log with its comment
        "decided_by_id": None,
        "decided_at": None,
        "lead_comment": None,
    }
    record_id = record.id
    if not _changed(record_id, OutsideStatus.RETURNED, **values):
        db.session.rollback()
        now = db.session.scalar(select(OutsideRecord.status).where(OutsideRecord.id == record_id))
        if now == OutsideStatus.SUBMITTED:  # sent from another tab, or a double click
            raise AlreadySent(
                "You sent this record again a moment ago: it is waiting for your program lead."
            )
        raise OutsideError("This record changed while you were editing it; nothing was saved.")
    if new_file:
        uploads.discard(trainee, old_file)
    comment = _line(record.kind, facts) + (" (new certificate)" if new_file else "")
    audit.record(
        trainee,
        SUBJECT,
        record.id,
        "resubmitted",
        OutsideStatus.RETURNED,
        OutsideStatus.SUBMITTED,
        comment,
    )
    db.session.commit()


def withdraw(trainee: User, record: OutsideRecord) -> None:
    """Delete the trainee's own record that is not approved, and its certificate."""
    if record.trainee_id != trainee.id:
        raise OutsideError("This is not your record.")
    record_id, status, file_id = record.id, record.status, record.file_id
    comment = _line(record.kind, _facts_of(record))
    removed = db.session.execute(
        delete(OutsideRecord).where(
            OutsideRecord.id == record.id,
            OutsideRecord.status.in_([OutsideStatus.SUBMITTED, OutsideStatus.RETURNED]),
        ),
        execution_options={"synchronize_session": False},
    )
    if removed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        if db.session.scalar(select(OutsideRecord.id).where(OutsideRecord.id == record_id)):
            raise OutsideError(
                "This record was approved by your program lead a moment ago, so it stays on "
                "record and can't be withdrawn."
            )
        raise OutsideError("This record was already withdrawn.")
    uploads.discard(trainee, file_id)
    audit.record(trainee, SUBJECT, record_id, "withdrawn", status, None, comment)
    db.session.commit()


# --- the lead's decisions ----------------------------------------------------------------------


def version_of(record: OutsideRecord) -> str:
    """The version of a record a lead's decision form carries: when it was last sent, to the
    microsecond, as ISO 8601 in UTC."""
    return record.submitted_at.astimezone(UTC).isoformat(timespec="microseconds")


def version_from(text: str | None) -> datetime | None:
    """The moment a decision form says the lead saw, or None if it says none (or something
    that is not a moment in a stated time zone)."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def approve(lead: User, record: OutsideRecord, seen: datetime) -> None:
    """Approve the version of the record sent at ``seen`` (the one the lead looked at)."""
    _decide(lead, record, OutsideStatus.APPROVED, None, seen)


def return_record(lead: User, record: OutsideRecord, comment: str, seen: datetime) -> None:
    comment = comment.strip()
    if not comment:
        raise OutsideError("Write a comment so the trainee knows what to correct.")
    _decide(lead, record, OutsideStatus.RETURNED, comment, seen)


def _decide(
    lead: User, record: OutsideRecord, new: OutsideStatus, comment: str | None, seen: datetime
) -> None:
    if lead.role != Role.LEAD:
        raise OutsideError("Only a program lead can decide on outside training.")
    record_id = record.id  # the record expires with a rollback, and may be gone by then
    if not _changed(
        record_id,
        OutsideStatus.SUBMITTED,
        sent_at=seen,
        status=new,
        lead_comment=comment,
        decided_by_id=lead.id,
        decided_at=utcnow(),
        updated_at=utcnow(),
    ):
        db.session.rollback()
        _why_not_decided(record_id)
    action = "approved" if new == OutsideStatus.APPROVED else "returned"
    audit.record(lead, SUBJECT, record_id, action, OutsideStatus.SUBMITTED, new, comment)
    notices.outside_decided(record.trainee, record_id, record.kind, new == OutsideStatus.APPROVED)
    db.session.commit()


WITHDRAWN = "Nothing was changed: the trainee withdrew this record a moment ago."


def _why_not_decided(record_id: int) -> None:
    """Raise why a decision changed nothing: what happened to the record meanwhile, and who
    did it (RecordChanged if the trainee sent it again since the lead opened it)."""
    now = db.session.execute(
        select(OutsideRecord.status, OutsideRecord.submitted_at, User.name)
        .outerjoin(User, User.id == OutsideRecord.decided_by_id)
        .where(OutsideRecord.id == record_id)
    ).first()
    if now is None:
        raise OutsideError(WITHDRAWN)
    status, sent_at, who = now
    if status == OutsideStatus.SUBMITTED:  # sent again after a return: look again
        raise RecordChanged(
            "This record changed since you opened it: the trainee resubmitted it at "
            f"{long_time(sent_at)}. Review it again."
        )
    done = "approved" if status == OutsideStatus.APPROVED else "returned to the trainee"
    raise OutsideError(
        f"Nothing was changed: this record was already {done} a moment ago by {who or 'someone'}."
    )


def was_withdrawn(record_id: int) -> bool:
    """The record is gone because its trainee withdrew it (ids are never reused)."""
    return any(e.action == "withdrawn" for e in audit.history(SUBJECT, record_id))


def _changed(
    record_id: int, expected: OutsideStatus, sent_at: datetime | None = None, **values: object
) -> bool:
    """Change the record only if its status is still ``expected`` (and, given ``sent_at``, it
    was last sent then): whether it changed."""
    conditions = [OutsideRecord.id == record_id, OutsideRecord.status == expected]
    if sent_at is not None:
        conditions.append(OutsideRecord.submitted_at == sent_at)
    result = db.session.execute(
        update(OutsideRecord).where(*conditions).values(**values),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _clean_hours(hours: Mapping[str, float]) -> dict[str, float]:
    return {domain: float(h) for domain, h in hours.items() if h}


def _fill(record: OutsideRecord, facts: Facts) -> None:
    record.provider = facts.provider
    record.title = facts.title
    record.day = facts.day  # type: ignore[assignment]
    record.hours = _clean_hours(facts.hours)


def _facts_of(record: OutsideRecord) -> Facts:
    return Facts(record.provider, record.title, record.day, dict(record.hours))


def _line(kind: str, facts: Facts) -> str:
    """The record in one line for the audit log: "Outside training: Ethics (Provider),
    2026-03-01, 6 h"."""
    title = f"{KINDS[kind]}: {facts.title} ({facts.provider})"
    return f"{title}, {facts.day.isoformat()}, {total(facts.hours):g} h"
