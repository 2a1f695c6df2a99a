"""Live training events a lead schedules, and each trainee's attendance at them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certificates.live_training import event_minutes
from training import limits
from training.extensions import db
from training.models import Cohort, User, UTCDateTime, limited, utcnow


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    PARTIAL = "partial"  # ``minutes`` says how long
    ABSENT = "absent"


class TrainingEvent(db.Model):
    """A live class or workshop on one day, giving training hours by domain to those who
    attend. For one cohort, or for every trainee when ``cohort_id`` is empty.

    An event with attendance is never deleted (``event_attendance.event_id`` is RESTRICT), nor
    cancelled; every change to an event or its attendance first touches ``updated_at`` with a
    conditional UPDATE, so two leads (one cancelling, one recording) take turns on the row.
    """

    __table_args__ = (Index("ix_training_event_day", "day", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = limited(limits.EVENT_TITLE, "title")
    day: Mapped[date] = mapped_column(Date)
    facilitator: Mapped[str] = limited(limits.NAME, "facilitator")
    #: where or how it takes place ("Room 2", "Video call"), if the lead says
    location: Mapped[str | None] = limited(limits.EVENT_LOCATION, "location")
    #: domain id -> hours (quarter hours); their total is the event's length
    hours: Mapped[dict[str, float]] = mapped_column(JSON)
    #: the track's ``[[training.events]]`` id it was scheduled from, if any
    template_id: Mapped[str | None] = mapped_column(String(100))
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort | None] = relationship()

    @property
    def minutes(self) -> int:
        """How long it lasts: its hours together."""
        return event_minutes(self.hours)

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class EventAttendance(db.Model):
    """One trainee's attendance at one event, as a lead recorded it (one row per trainee and
    event: ``uq_event_attendance_event_id``); a changed record is updated and audited."""

    __table_args__ = (
        UniqueConstraint("event_id", "trainee_id"),
        CheckConstraint("status IN ('present', 'partial', 'absent')", name="status"),
        # minutes only for a partial attendance, in steps of 15 (less than the event: checked
        # by ``certificates.live_training.validate_attendance``)
        CheckConstraint(
            "(status = 'partial' AND minutes > 0 AND minutes % 15 = 0) "
            "OR (status <> 'partial' AND minutes IS NULL)",
            name="minutes",
        ),
        Index("ix_event_attendance_trainee", "trainee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("training_event.id", ondelete="RESTRICT"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    status: Mapped[AttendanceStatus] = mapped_column(String(20))
    #: minutes attended, for a partial attendance only
    minutes: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[TrainingEvent] = relationship()
    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
