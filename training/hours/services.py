"""Hours entries through their life: draft, submitted, returned, approved (and voided).

Every change of status is a conditional UPDATE (``WHERE status = <the status we saw>``), so when
two people act on one entry at the same moment exactly one change takes effect, on SQLite and
PostgreSQL alike; the loser is told plainly. Each change writes an audit event in the same
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, Text, case, cast, exists, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from certificates.hours import PRACTICE, EntryFacts, Logged, OtherEntry, Totals, totals
from certificates.tracks import Track
from training import audit, content
from training.extensions import db
from training.mail import notices
from training.models import (
    Cohort,
    EntryStatus,
    HoursEntry,
    Role,
    SignOff,
    SupervisorAssignment,
    User,
    utcnow,
)

SUBJECT = "hours_entry"
ATTESTATION = "I attest that these hours took place as described."


class HoursError(ValueError):
    """An action that cannot be taken, with a message for the person who tried."""


# --- who may do what ---------------------------------------------------------------------------


def assigned_supervisors(trainee: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(SupervisorAssignment, SupervisorAssignment.supervisor_id == User.id)
            .where(
                SupervisorAssignment.trainee_id == trainee.id,
                User.role == Role.SUPERVISOR,
                User.active.is_(True),
            )
            .order_by(User.name)
        )
    )


def assigned_trainee_ids(supervisor: User) -> set[int]:
    return set(
        db.session.scalars(
            select(SupervisorAssignment.trainee_id).where(
                SupervisorAssignment.supervisor_id == supervisor.id
            )
        )
    )


def may_view(user: User, entry: HoursEntry) -> bool:
    """The trainee who logged it, the supervisor it is for (while they supervise the trainee),
    and leads."""
    from training.hours.assignments import supervises

    if user.role == Role.LEAD or entry.trainee_id == user.id:
        return True
    return entry.supervisor_id == user.id and supervises(user, entry.trainee_id)


# --- reading -----------------------------------------------------------------------------------


def entries_of(trainee: User) -> list[HoursEntry]:
    """The trainee's entries, newest first, with their supervisor and sign-offs loaded in the
    same round trips (the lists, exports and summary show both for every row)."""
    return list(
        db.session.scalars(
            select(HoursEntry)
            .options(joinedload(HoursEntry.supervisor), selectinload(HoursEntry.sign_offs))
            .where(HoursEntry.trainee_id == trainee.id)
            .order_by(HoursEntry.day.desc(), HoursEntry.id.desc())
        )
    )


def totals_of(entries: Iterable[HoursEntry]) -> Totals:
    return totals(
        Logged(e.minutes, e.kind, e.status, tuple(e.domains), e.direct_service) for e in entries
    )


def approved_totals_by_trainee(trainee_ids: Iterable[int]) -> dict[int, Totals]:
    """Approved totals for many trainees in one query (for the supervisor's queue)."""
    summed = logged_sums(trainee_ids, EntryStatus.APPROVED)
    return {i: totals(logged) for i, logged in summed.items()}


def logged_sums(
    trainee_ids: Iterable[int], status: EntryStatus | None = None
) -> dict[int, list[Logged]]:
    """Each trainee's minutes summed by the database per kind, status, set of domains and
    direct service: totals only add minutes up, so a few rows a trainee stand for every entry
    they logged."""
    ids = list(trainee_ids)
    domains = cast(HoursEntry.domains, Text)
    query = (
        select(
            HoursEntry.trainee_id,
            func.sum(HoursEntry.minutes),
            HoursEntry.kind,
            HoursEntry.status,
            domains,
            HoursEntry.direct_service,
        )
        .where(HoursEntry.trainee_id.in_(ids))
        .group_by(
            HoursEntry.trainee_id,
            HoursEntry.kind,
            HoursEntry.status,
            domains,
            HoursEntry.direct_service,
        )
    )
    if status is not None:
        query = query.where(HoursEntry.status == status)
    grouped: dict[int, list[Logged]] = {i: [] for i in ids}
    for trainee_id, minutes, kind, entry_status, listed, direct in db.session.execute(query):
        grouped[trainee_id].append(
            Logged(int(minutes), kind, entry_status, tuple(json.loads(listed)), bool(direct))
        )
    return grouped


def others(trainee: User, exclude_id: int | None = None) -> list[OtherEntry]:
    """The trainee's other entries, for the per-day limit and the duplicate warning."""
    query = select(HoursEntry.day, HoursEntry.minutes, HoursEntry.kind).where(
        HoursEntry.trainee_id == trainee.id
    )
    if exclude_id is not None:
        query = query.where(HoursEntry.id != exclude_id)
    return [OtherEntry(*row) for row in db.session.execute(query)]


def waiting_counts(user: User) -> int:
    """How many items wait for this person: returned entries for a trainee, the queue for a
    supervisor (hours and practice responses). The signed-in person's count is read when they
    are loaded for the request."""
    if user.waiting_count is not None:
        return user.waiting_count
    return db.session.scalar(select(waiting_column()).where(User.id == user.id)) or 0


def waiting_column():  # type: ignore[no-untyped-def]
    """``waiting_counts`` as a column of a query on User, so signing a person in reads it in
    the same round trip (every page shows it in the navigation)."""
    returned = (
        select(func.count())
        .select_from(HoursEntry)
        .where(HoursEntry.trainee_id == User.id, HoursEntry.status == EntryStatus.RETURNED)
        .correlate(User)
        .scalar_subquery()
    )
    queued = (
        _queue(select(func.count()).select_from(HoursEntry), User.id)
        .correlate(User)
        .scalar_subquery()
    )
    from training.practice.services import waiting_count_column

    practice = waiting_count_column(User.id).correlate(User).scalar_subquery()
    queued = queued + practice
    return case(
        (User.role == Role.TRAINEE, returned), (User.role == Role.SUPERVISOR, queued), else_=0
    )


def _queue(query, supervisor_id):  # type: ignore[no-untyped-def]
    """Entries addressed to the supervisor by trainees assigned to them (never their own)."""
    return query.join(
        SupervisorAssignment,
        (SupervisorAssignment.trainee_id == HoursEntry.trainee_id)
        & (SupervisorAssignment.supervisor_id == supervisor_id),
    ).where(
        HoursEntry.supervisor_id == supervisor_id,
        HoursEntry.status == EntryStatus.SUBMITTED,
        HoursEntry.trainee_id != supervisor_id,
    )


def queue_query(supervisor: User):  # type: ignore[no-untyped-def]
    return _queue(select(HoursEntry), supervisor.id).order_by(
        HoursEntry.submitted_at, HoursEntry.id
    )


def default_track() -> Track | None:
    """The program's default track (FLASK_DEFAULT_TRACK), for trainees not in a cohort."""
    tracks = content.store().tracks.tracks
    wanted = current_app.config.get("DEFAULT_TRACK")
    return next((t for t in tracks if t.id == wanted), tracks[0] if tracks else None)


def track_for(user: User) -> Track | None:
    """The track a trainee works toward: their cohort's, else the program's default."""
    if user.cohort_id is not None:
        cohort = db.session.get(Cohort, user.cohort_id)
        track = content.store().tracks.track(cohort.track_id) if cohort else None
        if track is not None:
            return track
    return default_track()


# --- changing ----------------------------------------------------------------------------------


def save_entry(
    trainee: User, facts: EntryFacts, entry: HoursEntry | None = None, *, commit: bool = True
) -> HoursEntry:
    """Create a draft, or change a draft or returned entry (which stays as it was: draft or
    returned, until the trainee submits it). ``commit=False`` leaves the transaction open, for
    ``save_and_submit``."""
    fields = {
        "day": facts.day,
        "minutes": facts.minutes,
        "kind": facts.kind,
        "method": facts.method,
        "domains": list(facts.domains),
        "supervisor_id": facts.supervisor_id,
        "notes": facts.notes.strip(),
        "direct_service": facts.direct_service and facts.kind == PRACTICE,
    }
    if entry is None:
        entry = HoursEntry(trainee_id=trainee.id, status=EntryStatus.DRAFT, **fields)
        db.session.add(entry)
        db.session.flush()
        action = "created"
    elif not entry.editable:
        raise HoursError("This entry can no longer be changed.")
    else:
        _write_if_editable(entry, fields)
        action = "edited"
    audit.record(trainee, SUBJECT, entry.id, action, to_status=entry.status)
    if commit:
        db.session.commit()
    return entry


def _write_if_editable(entry: HoursEntry, fields: dict[str, object]) -> None:
    """Change the entry only while it is still a draft or returned, as the UPDATE itself
    checks: a submit and sign-off meanwhile are not overwritten (HoursError, nothing saved)."""
    editable = HoursEntry.status.in_([EntryStatus.DRAFT, EntryStatus.RETURNED])
    written = db.session.execute(
        update(HoursEntry)
        .where(HoursEntry.id == entry.id, editable)
        .values(updated_at=utcnow(), **fields),
        execution_options={"synchronize_session": False},
    )
    if written.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise HoursError(
            "This entry changed meanwhile (it was submitted or signed off); nothing was saved."
        )
    db.session.refresh(entry)


def save_and_submit(
    trainee: User, facts: EntryFacts, entry: HoursEntry | None = None
) -> tuple[HoursEntry, Submitted]:
    """Save the entry and submit it to its supervisor, as ``submit`` does, in one transaction.
    If its supervisor no longer supervises the trainee, it is saved but not submitted (the
    outcome says so)."""
    saved = save_entry(trainee, facts, entry, commit=False)
    return saved, submit(trainee, [saved.id])


def move(
    entry_id: int,
    expected: Sequence[EntryStatus],
    new: EntryStatus,
    *conditions: ColumnElement[bool],
    **values: object,
) -> EntryStatus | None:
    """Change an entry's status only if it is still in one of ``expected`` (and meets any other
    ``conditions``); returns the status it had, or None when someone else got there first."""
    for old in expected:
        result = db.session.execute(
            update(HoursEntry)
            .where(HoursEntry.id == entry_id, HoursEntry.status == old, *conditions)
            .values(status=new, updated_at=utcnow(), **values)
        )
        if result.rowcount == 1:
            return old
    return None


def submit(trainee: User, entry_ids: Iterable[int]) -> Submitted:
    """Submit the trainee's own drafts and returned entries, each only while its supervisor
    still supervises the trainee (checked by the UPDATE itself: see ``hours.assignments``)."""
    from training.hours.assignments import hold_assignment, still_supervises

    outcome = Submitted()
    sent: list[int] = []  # what its supervisors hear of (never what waited before)
    for entry_id in entry_ids:
        entry = db.session.get(HoursEntry, entry_id)
        if entry is None or entry.trainee_id != trainee.id:
            continue
        hold_assignment(trainee.id, entry.supervisor_id)
        old = move(
            entry_id,
            (EntryStatus.DRAFT, EntryStatus.RETURNED),
            EntryStatus.SUBMITTED,
            still_supervises(),
            submitted_at=utcnow(),
        )
        if old is not None:
            audit.record(trainee, SUBJECT, entry_id, "submitted", old, EntryStatus.SUBMITTED)
            outcome.count += 1
            sent.append(entry_id)
        elif entry.editable:
            outcome.no_supervisor.append(entry.day)
    notices.hours_sent_for_sign_off(trainee, sent)
    db.session.commit()
    return outcome


@dataclass
class Submitted:
    count: int = 0
    #: the days of entries not submitted because their supervisor no longer supervises the
    #: trainee: they must choose another one first
    no_supervisor: list[date] = field(default_factory=list)


def retract(trainee: User, entry: HoursEntry) -> None:
    if entry.trainee_id != trainee.id:
        raise HoursError("This is not your entry.")
    if move(entry.id, (EntryStatus.SUBMITTED,), EntryStatus.DRAFT, submitted_at=None) is None:
        db.session.rollback()
        raise HoursError(
            "Your supervisor has already acted on this entry, so it can't be retracted."
        )
    audit.record(trainee, SUBJECT, entry.id, "retracted", EntryStatus.SUBMITTED, EntryStatus.DRAFT)
    db.session.commit()


#: why an entry that was signed off cannot be deleted
SIGNED_STAYS = (
    "This entry was signed off (the sign-off was voided since), so it stays on record: "
    "correct it and submit it again."
)


def delete(trainee: User, entry: HoursEntry) -> None:
    """Delete the trainee's own draft or returned entry, unless it was ever signed off.

    A sign-off is a supervisor's signed attestation, and a certification program keeps it
    even once a lead voids it: with the entry it attests, it is the record of what was claimed
    and signed (the audit events keep who did what, not what the entry said). So a returned
    entry whose sign-off was voided stays; the trainee corrects it and submits it again. The
    database refuses the deletion too (``fk_sign_off_entry_id_hours_entry`` is ON DELETE
    RESTRICT, on SQLite as on PostgreSQL), and the DELETE below checks the status and the
    sign-offs in one statement, so no change can slip between a check and the deletion."""
    if entry.trainee_id != trainee.id or not entry.editable:
        raise HoursError("Only your own drafts and returned entries can be deleted.")
    status = entry.status
    removed = db.session.execute(
        HoursEntry.__table__.delete().where(
            HoursEntry.id == entry.id,
            HoursEntry.status.in_([EntryStatus.DRAFT, EntryStatus.RETURNED]),
            ~exists().where(SignOff.entry_id == HoursEntry.id),
        )
    )
    if removed.rowcount != 1:
        db.session.rollback()
        if entry.sign_offs:
            raise HoursError(SIGNED_STAYS)
        raise HoursError("This entry changed while you were looking at it. Please reload.")
    audit.record(trainee, SUBJECT, entry.id, "deleted", status, None)
    db.session.commit()


def assign(lead: User, trainee: User, supervisor: User) -> bool:
    """Assign a supervisor to a trainee; False if they already were, or are the same person
    (nobody supervises themselves; the database refuses it too)."""
    if trainee.id == supervisor.id:
        return False
    exists = db.session.scalar(
        select(SupervisorAssignment).filter_by(trainee_id=trainee.id, supervisor_id=supervisor.id)
    )
    if exists is not None:
        return False
    assignment = SupervisorAssignment(
        trainee_id=trainee.id, supervisor_id=supervisor.id, assigned_by_id=lead.id
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(lead, "user", trainee.id, "supervisor assigned", comment=supervisor.name)
    db.session.commit()
    return True


def today() -> date:
    return utcnow().date()
