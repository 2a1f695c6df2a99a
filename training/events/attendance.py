"""Attendance at a live training event: who the event's page lists (its roster), and saving
what a lead records for each of them.

A trainee's attendance at an event is one row (a unique constraint). Saving first takes the
event's row (``services.hold``), so a lead cancelling the event waits, or is waited for. A new
record is an INSERT … ON CONFLICT DO NOTHING and a change a conditional UPDATE of the status
that was read: when two leads save the same trainee at once there is still one row, and the
later save updates it, audited from what the earlier one wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil

from sqlalchemy import exists, func, or_, select, update

from certificates.live_training import PARTIAL, STATUSES
from training import audit
from training.dates import long_date
from training.events.models import EventAttendance, TrainingEvent
from training.events.services import EventError, describe, gone, hold, refuse, today
from training.extensions import db
from training.models import Role, User, utcnow
from training.upserts import dialect_insert

#: the most trainees the attendance page lists (and saves) at once: a search narrows the rest
ROSTER_PAGE = 50
SUBJECT = "event_attendance"


# --- the roster of an event --------------------------------------------------------------------


def _on_roster(event: TrainingEvent):  # type: ignore[no-untyped-def]
    """Who the attendance page lists: active trainees the event is for (its cohort's, or
    everyone's), and anyone whose attendance at it is already recorded."""
    recorded = exists().where(
        EventAttendance.event_id == event.id, EventAttendance.trainee_id == User.id
    )
    invited = User.active.is_(True)
    if event.cohort_id is not None:
        invited = invited & (User.cohort_id == event.cohort_id)
    return (User.role == Role.TRAINEE) & (invited | recorded)


@dataclass(frozen=True)
class Roster:
    trainees: list[User]
    recorded: dict[int, EventAttendance]
    total: int
    page: int
    pages: int


def roster(event: TrainingEvent, search: str, page: int) -> Roster:
    conditions = [_on_roster(event)]
    if search:
        typed = search.lower()
        conditions.append(
            or_(
                func.lower(User.name).contains(typed, autoescape=True),
                func.lower(User.email).contains(typed, autoescape=True),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    pages = max(1, ceil(total / ROSTER_PAGE))
    page = min(max(1, page), pages)
    trainees = list(
        db.session.scalars(
            select(User)
            .where(*conditions)
            .order_by(func.lower(User.name), User.id)
            .limit(ROSTER_PAGE)
            .offset((page - 1) * ROSTER_PAGE)
        )
    )
    return Roster(trainees, recorded(event.id, [t.id for t in trainees]), total, page, pages)


def recorded(event_id: int, trainee_ids: list[int]) -> dict[int, EventAttendance]:
    rows = db.session.scalars(
        select(EventAttendance).where(
            EventAttendance.event_id == event_id, EventAttendance.trainee_id.in_(trainee_ids)
        )
    )
    return {row.trainee_id: row for row in rows}


def on_roster(event: TrainingEvent, trainee_ids: list[int]) -> dict[int, User]:
    """Those of ``trainee_ids`` the event's attendance page may record."""
    if not trainee_ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(trainee_ids), _on_roster(event)))
    return {u.id: u for u in users}


# --- recording attendance ----------------------------------------------------------------------


def status_words(status: str, minutes: int | None) -> str:
    words = STATUSES.get(status, status).lower()
    return f"{words} ({minutes} minutes)" if status == PARTIAL else words


Wanted = tuple[str, int | None]


def save_attendance(lead: User, event: TrainingEvent, wanted: Mapping[int, Wanted]) -> int:
    """Record each trainee's attendance as ``wanted`` (trainee id -> status, minutes), writing
    and auditing only what differs from the record; returns how many records changed. Trainees
    not on the event's roster are left alone."""
    if event.day > today():
        raise EventError(
            f"This event is on {long_date(event.day)}: record attendance on or after that day."
        )
    if not hold(event.id):
        raise gone(event.id, "no attendance was recorded")
    people = on_roster(event, list(wanted))
    current = recorded(event.id, list(people))
    changed = 0
    for trainee_id in sorted(people):
        status, minutes = wanted[trainee_id]
        changed += _save_one(
            lead, event, people[trainee_id], current.get(trainee_id), status, minutes
        )
    db.session.commit()
    return changed


def _save_one(
    lead: User,
    event: TrainingEvent,
    trainee: User,
    row: EventAttendance | None,
    status: str,
    minutes: int | None,
) -> int:
    minutes = minutes if status == PARTIAL else None
    said = f"{trainee.name} at {describe(event)}"
    seen = (row.id, row.status, row.minutes) if row else None
    for _ in range(3):
        now = utcnow()
        if seen is None:
            new_id = db.session.execute(
                dialect_insert(EventAttendance)
                .values(
                    event_id=event.id,
                    trainee_id=trainee.id,
                    status=status,
                    minutes=minutes,
                    recorded_by_id=lead.id,
                    recorded_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["event_id", "trainee_id"])
                .returning(EventAttendance.id)
            ).scalar_one_or_none()
            if new_id is not None:
                comment = f"{said}: {status_words(status, minutes)}"
                audit.record(lead, SUBJECT, new_id, "recorded", to_status=status, comment=comment)
                return 1
        else:
            row_id, old_status, old_minutes = seen
            if (old_status, old_minutes) == (status, minutes):
                return 0
            same_minutes = (
                EventAttendance.minutes.is_(None)
                if old_minutes is None
                else EventAttendance.minutes == old_minutes
            )
            result = db.session.execute(
                update(EventAttendance)
                .where(
                    EventAttendance.id == row_id,
                    EventAttendance.status == old_status,
                    same_minutes,
                )
                .values(status=status, minutes=minutes, recorded_by_id=lead.id, updated_at=now),
                execution_options={"synchronize_session": False},
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                comment = (
                    f"{said}: from {status_words(old_status, old_minutes)} to "
                    f"{status_words(status, minutes)}"
                )
                audit.record(lead, SUBJECT, row_id, "changed", old_status, status, comment)
                return 1
        # Someone else recorded this trainee a moment ago: read what they wrote, and go on.
        seen = db.session.execute(
            select(EventAttendance.id, EventAttendance.status, EventAttendance.minutes).where(
                EventAttendance.event_id == event.id, EventAttendance.trainee_id == trainee.id
            )
        ).one_or_none()
        seen = tuple(seen) if seen else None  # type: ignore[assignment]
    raise refuse(
        f"{trainee.name}'s attendance was being changed by someone else at the same moment. "
        "Nothing was saved: please reload the page and check."
    )
