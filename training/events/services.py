"""Live training events: the tracks' live sessions a lead schedules from, who sees which
event, each trainee's attendance and the hours it gives, and scheduling, editing, cancelling
and deleting (the last two only without attendance). Recording attendance is in
``training.events.attendance``.

Races are closed by the database. Every change to an event or its attendance starts with a
conditional UPDATE of the event's row (``hold``), so a lead cancelling an event and another
recording attendance at it take turns (PostgreSQL locks the row; SQLite has one writer), and the
second sees what the first did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    JSON,
    Date,
    Integer,
    String,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)

from certificates.live_training import (
    event_minutes,
    hours_attended,
    minutes_attended,
)
from certificates.rulebook import AttendedEvent, EventTemplate
from certificates.tracks import Track
from courses.domains import DOMAINS
from training import audit, content
from training.dates import long_date
from training.events.models import AttendanceStatus, EventAttendance, TrainingEvent
from training.extensions import db
from training.hours.assignments import supervises
from training.hours.services import today
from training.models import Role, User, UTCDateTime, utcnow

EVENT = "training_event"
COUNTED = (AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL)


class EventError(ValueError):
    """A change that cannot be made, with a message for the lead who tried."""


class EventGone(EventError):
    """The event was deleted or cancelled by someone else while a change to it was being made:
    its page is no place to go back to."""


# --- the tracks' live sessions -----------------------------------------------------------------


def templates() -> list[tuple[Track, EventTemplate]]:
    """Every live session the tracks name (``[[training.events]]``), track by track."""
    return [(track, t) for track in content.store().tracks.tracks for t in track.training.events]


def template_key(track: Track, template: EventTemplate) -> str:
    return f"{track.id}:{template.id}"


def template_for(key: str) -> tuple[Track, EventTemplate] | None:
    return next(((tr, t) for tr, t in templates() if template_key(tr, t) == key), None)


# --- who sees what -----------------------------------------------------------------------------


def for_trainee(trainee: User):  # type: ignore[no-untyped-def]
    """A condition on events: for the trainee's cohort, or for everyone."""
    everyone = TrainingEvent.cohort_id.is_(None)
    if trainee.cohort_id is None:
        return everyone
    return everyone | (TrainingEvent.cohort_id == trainee.cohort_id)


def may_see_trainee(user: User, trainee: User) -> bool:
    """Leads see every trainee; a supervisor those they supervise; a trainee themselves."""
    if trainee.role != Role.TRAINEE:
        return False
    if user.role == Role.LEAD or user.id == trainee.id:
        return True
    return supervises(user, trainee.id)


# --- reading -----------------------------------------------------------------------------------


def upcoming_for(trainee: User, limit: int = 100) -> list[TrainingEvent]:
    """The events ahead that are for the trainee (cancelled ones too, marked as such)."""
    return list(
        db.session.scalars(
            select(TrainingEvent)
            .where(for_trainee(trainee), TrainingEvent.day >= today())
            .order_by(TrainingEvent.day, TrainingEvent.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Attended:
    """One recorded attendance, with what it gives."""

    event: TrainingEvent
    status: str
    minutes: int
    hours: Mapping[str, float]

    @property
    def counts(self) -> bool:
        return self.status in COUNTED and not self.event.cancelled


def attendance_of(trainee_id: int) -> list[Attended]:
    """Every recorded attendance of the trainee, newest event first."""
    rows = db.session.execute(
        select(EventAttendance, TrainingEvent)
        .join(TrainingEvent, TrainingEvent.id == EventAttendance.event_id)
        .where(EventAttendance.trainee_id == trainee_id)
        .order_by(TrainingEvent.day.desc(), TrainingEvent.id.desc())
    ).all()
    return [
        Attended(
            event,
            row.status,
            minutes_attended(row.status, row.minutes, event.minutes),
            hours_attended(row.status, row.minutes, event.hours),
        )
        for row, event in rows
    ]


def attended_events(user_ids: list[int]) -> dict[int, list[AttendedEvent]]:
    """Each trainee's live training that counts: present or partial attendance at events not
    cancelled, with the hours it gives (``certificates.live_training``), in date order. Every
    id is a key. One query, whatever the number of ids."""
    ids = list(dict.fromkeys(user_ids))
    attended: dict[int, list[AttendedEvent]] = {i: [] for i in ids}
    if not ids:
        return attended
    rows = db.session.execute(
        select(
            EventAttendance.trainee_id,
            EventAttendance.status,
            EventAttendance.minutes,
            TrainingEvent.title,
            TrainingEvent.day,
            TrainingEvent.hours,
        )
        .join(TrainingEvent, TrainingEvent.id == EventAttendance.event_id)
        .where(
            EventAttendance.trainee_id.in_(ids),
            EventAttendance.status.in_(COUNTED),
            TrainingEvent.cancelled_at.is_(None),
        )
        .order_by(TrainingEvent.day, TrainingEvent.id)
    )
    for trainee_id, status, minutes, title, day, hours in rows:
        length = event_minutes(hours)
        attended[trainee_id].append(
            AttendedEvent(
                title=title,
                day=day,
                minutes_attended=minutes_attended(status, minutes, length),
                hours=hours_attended(status, minutes, hours),
            )
        )
    return attended


@dataclass(frozen=True)
class Counts:
    """How many trainees attended an event (in full or part), and how many are recorded."""

    attended: int = 0
    recorded: int = 0


def attendance_counts(event_ids: list[int]) -> dict[int, Counts]:
    if not event_ids:
        return {}
    attended = func.sum(case((EventAttendance.status.in_(COUNTED), 1), else_=0))
    rows = db.session.execute(
        select(EventAttendance.event_id, attended, func.count())
        .where(EventAttendance.event_id.in_(event_ids))
        .group_by(EventAttendance.event_id)
    )
    return {event_id: Counts(int(a or 0), int(n)) for event_id, a, n in rows}


def has_attendance(event_id: int) -> bool:
    return db.session.scalar(select(exists().where(EventAttendance.event_id == event_id))) is True


# --- changing events ---------------------------------------------------------------------------


def hold(event_id: int, *, open_only: bool = True) -> bool:
    """Take the event's row for this transaction (a conditional UPDATE); False if it is gone,
    or (``open_only``) cancelled."""
    statement = update(TrainingEvent).where(TrainingEvent.id == event_id)
    if open_only:
        statement = statement.where(TrainingEvent.cancelled_at.is_(None))
    result = db.session.execute(
        statement.values(updated_at=utcnow()), execution_options={"synchronize_session": False}
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def refuse(message: str) -> EventError:
    db.session.rollback()
    return EventError(message)


def gone(event_id: int, so: str) -> EventGone:
    """After ``hold`` found the event deleted or cancelled: roll back (which expires the loaded
    event: read nothing from it after), and say which it was: "This event was deleted, so
    ``so``"."""
    db.session.rollback()
    kept = db.session.scalar(select(TrainingEvent.id).where(TrainingEvent.id == event_id))
    return EventGone(f"This event was {'deleted' if kept is None else 'cancelled'}, so {so}.")


def hours_text(hours: Mapping[str, float]) -> str:
    """Hours by domain in words: "Advocacy 1.5 h, Ethical Responsibility 1 h"."""
    return ", ".join(f"{DOMAINS.get(d, d)} {h:g} h" for d, h in hours.items()) or "no hours"


def describe(event: TrainingEvent) -> str:
    return f"{event.title} on {long_date(event.day)}"


@dataclass(frozen=True)
class EventChanges:
    """What a lead enters for an event, cleaned: hours by domain only where more than 0."""

    title: str
    day: date
    facilitator: str
    location: str | None
    hours: dict[str, float]
    cohort_id: int | None


#: how long an identical event (same title, day and cohort) counts as a second click on
#: "Schedule", and is not added again
SAME_EVENT_WINDOW = timedelta(minutes=1)


def create_event(lead: User, changes: EventChanges, template_id: str | None) -> TrainingEvent:
    """Schedule an event, with an audit event. A double click schedules it once: the INSERT …
    SELECT is conditional on no identical event (same title, day and cohort, not cancelled)
    scheduled in the last minute (``EventError`` then, nothing added), and the lead's row is
    held first (PostgreSQL; SQLite has one writer), so two clicks take turns and the second
    sees the first's event."""
    db.session.execute(select(User.id).where(User.id == lead.id).with_for_update(key_share=True))
    now = utcnow()
    earlier = TrainingEvent.__table__.alias("earlier")
    twin = exists().where(
        earlier.c.title == changes.title,
        earlier.c.day == changes.day,
        earlier.c.cohort_id.is_(None)
        if changes.cohort_id is None
        else earlier.c.cohort_id == changes.cohort_id,
        earlier.c.cancelled_at.is_(None),
        earlier.c.created_at >= literal(now - SAME_EVENT_WINDOW, UTCDateTime()),
    )
    values = {
        "title": literal(changes.title, String()),
        "day": literal(changes.day, Date()),
        "facilitator": literal(changes.facilitator, String()),
        "location": literal(changes.location, String()),
        "hours": literal(changes.hours, JSON()),
        "template_id": literal(template_id, String()),
        "cohort_id": literal(changes.cohort_id, Integer()),
        "created_by_id": literal(lead.id, Integer()),
        "created_at": literal(now, UTCDateTime()),
        "updated_at": literal(now, UTCDateTime()),
    }
    statement = (
        insert(TrainingEvent)
        .from_select(list(values), select(*values.values()).where(~twin))
        .returning(TrainingEvent.id)
    )
    event_id = db.session.execute(statement).scalar_one_or_none()
    if event_id is None:
        raise refuse(
            f"{changes.title} on {long_date(changes.day)} was scheduled a moment ago, so it was "
            "not added again."
        )
    event = db.session.get_one(TrainingEvent, event_id)
    audit.record(
        lead, EVENT, event.id, "scheduled", comment=f"{describe(event)}: {hours_text(event.hours)}"
    )
    db.session.commit()
    return event


HOURS_FIXED = (
    "The hours can't change once attendance is recorded: they are what the trainees who "
    "attended were given. The title, date, facilitator and place can still change."
)


def edit_event(lead: User, event: TrainingEvent, changes: EventChanges) -> None:
    if not hold(event.id):
        raise gone(event.id, "nothing was changed")
    if changes.hours != dict(event.hours) and has_attendance(event.id):
        raise refuse(HOURS_FIXED)
    if changes.day > today() and changes.day != event.day and has_attendance(event.id):
        raise refuse("Attendance is recorded for this event, so it can't move to a future date.")
    said = []
    for name in ("title", "day", "facilitator", "location", "hours", "cohort_id"):
        old, new = getattr(event, name), getattr(changes, name)
        if name == "hours":
            old = dict(old)
        if old != new:
            said.append(f"{name.replace('_id', '')}: {_shown(name, old)} → {_shown(name, new)}")
            setattr(event, name, new)
    if said:
        audit.record(lead, EVENT, event.id, "edited", comment="; ".join(said))
    db.session.commit()


def _shown(name: str, value: object) -> str:
    if value is None:
        return "everyone" if name == "cohort_id" else "none"
    if name == "hours":
        return hours_text(value)  # type: ignore[arg-type]
    if name == "day":
        return long_date(value)  # type: ignore[arg-type]
    return str(value)


def cancel_event(lead: User, event: TrainingEvent) -> None:
    if not hold(event.id):
        raise refuse("This event was already cancelled, or deleted.")
    if has_attendance(event.id):
        raise refuse(
            "Attendance is recorded for this event, so it took place and can't be cancelled."
        )
    db.session.execute(
        update(TrainingEvent).where(TrainingEvent.id == event.id).values(cancelled_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    audit.record(lead, EVENT, event.id, "cancelled", comment=describe(event))
    db.session.commit()


def delete_event(lead: User, event: TrainingEvent) -> None:
    if not hold(event.id, open_only=False):
        raise refuse("This event was already deleted.")
    if has_attendance(event.id):
        raise refuse("Attendance is recorded for this event, so it is kept: it can't be deleted.")
    described = describe(event)
    db.session.execute(
        delete(TrainingEvent).where(TrainingEvent.id == event.id),
        execution_options={"synchronize_session": False},
    )
    audit.record(lead, EVENT, event.id, "deleted", comment=described)
    db.session.commit()
