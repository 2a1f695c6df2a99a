"""Whom an audit event is about: the person whose hours entry, certificate, practice response…
it concerns, so the log names them (never a database id) and a search by name finds the events
about their records too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal, or_, select, union_all

from training.certificate_model import Certificate
from training.evaluations.models import CompetencyEvaluation
from training.events.models import EventAttendance
from training.extensions import db
from training.models import AuditEvent, HoursEntry, User
from training.outside.models import OutsideRecord
from training.practice.models import PracticeResponse

#: each kind of subject that is one person's record: its id column and that person's
OWNED: dict[str, tuple[Any, Any]] = {
    "hours_entry": (HoursEntry.id, HoursEntry.trainee_id),
    "certificate": (Certificate.id, Certificate.user_id),
    "practice_response": (PracticeResponse.id, PracticeResponse.trainee_id),
    "outside_record": (OutsideRecord.id, OutsideRecord.trainee_id),
    "competency_evaluation": (CompetencyEvaluation.id, CompetencyEvaluation.trainee_id),
    "event_attendance": (EventAttendance.id, EventAttendance.trainee_id),
    "user": (User.id, User.id),
}


def owners_of(events: Iterable[AuditEvent]) -> dict[tuple[str, int], User]:
    """(subject type, subject id) -> the person the subject belongs to, for a page of events,
    in one query (a record deleted since has none)."""
    wanted: defaultdict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.subject_type in OWNED:
            wanted[event.subject_type].add(event.subject_id)
    if not wanted:
        return {}
    parts = [
        select(
            literal(kind).label("kind"), OWNED[kind][0].label("id"), OWNED[kind][1].label("owner")
        ).where(OWNED[kind][0].in_(ids))
        for kind, ids in sorted(wanted.items())
    ]
    owned = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    rows = db.session.execute(
        select(owned.c.kind, owned.c.id, User).join(User, User.id == owned.c.owner)
    )
    return {(kind, subject_id): user for kind, subject_id, user in rows}


#: the most records of the people searched for that are looked up and listed; past that, the
#: database matches the events against each kind of record's table instead
RECORDS_LOOKED_UP = 2000


def about(people: Any) -> Any:
    """The events done by or about ``people`` (a list of ids, or a subquery of them): about
    them themselves, or about a record of theirs.

    For a few people (a list), their records are looked up first (one query) and listed, so the
    database finds their events in the index on (subject type, subject id): a subquery in each
    alternative made PostgreSQL read the log in order and test every event (350 ms for a
    person with 20 hours entries in 500,000 events; 7 ms listed)."""
    records = _records_of(people) if isinstance(people, list) else None
    return or_(
        AuditEvent.actor_id.in_(people),
        *(
            (AuditEvent.subject_type == kind)
            & AuditEvent.subject_id.in_(
                people
                if id_column is owner
                else records[kind]
                if records is not None
                else select(id_column).where(owner.in_(people))
            )
            for kind, (id_column, owner) in OWNED.items()
            if records is None or id_column is owner or records[kind]
        ),
    )


def _records_of(people: list[int]) -> dict[str, list[int]] | None:
    """The ids of the people's records of each kind (one query), or None when there are more
    than ``RECORDS_LOOKED_UP``."""
    found: dict[str, list[int]] = {kind: [] for kind in OWNED}
    parts = [
        select(literal(kind).label("kind"), id_column.label("id")).where(owner.in_(people))
        for kind, (id_column, owner) in OWNED.items()
        if id_column is not owner
    ]
    rows = db.session.execute(union_all(*parts).limit(RECORDS_LOOKED_UP + 1)).all()
    if len(rows) > RECORDS_LOOKED_UP:
        return None
    for kind, record_id in rows:
        found[kind].append(record_id)
    return found
