"""A trainee's record of training taken elsewhere, or of continuing education, with its
certificate of completion."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.columns import UTCDateTime, limited, utcnow
from training.extensions import db
from training.uploads.models import StoredFile

if TYPE_CHECKING:
    from training.models import User


class OutsideStatus(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


#: how each status reads on a page
STATUS_WORDS = {
    OutsideStatus.SUBMITTED: "Waiting for your program lead",
    OutsideStatus.RETURNED: "Returned to you",
    OutsideStatus.APPROVED: "Approved",
}


class OutsideRecord(db.Model):
    """A course taken elsewhere (``kind`` "outside": counts toward the track's training hours,
    up to its allowance) or continuing education (``kind`` "ce": counts toward renewal), as the
    trainee recorded it, and the lead's decision.

    Submitted, then returned (with the lead's comment) or approved; an approved record is
    locked. Each decision is a conditional UPDATE (``outside.services``), so two leads deciding
    at once cannot both succeed. Like the file it holds, it keeps its trainee from being
    deleted (evidence stays; accounts are deactivated)."""

    __table_args__ = (
        Index("ix_outside_record_trainee_kind", "trainee_id", "kind"),
        # the lead's queue: submitted records, oldest first
        Index("ix_outside_record_status_submitted", "status", "submitted_at", "id"),
        CheckConstraint("kind IN ('outside', 'ce')", name="kind"),
        CheckConstraint("status IN ('submitted', 'returned', 'approved')", name="status"),
        # a withdrawn record's id is never given to another (the audit log names it)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = limited(limits.PROVIDER, "provider")
    title: Mapped[str] = limited(limits.COURSE_TITLE, "title")
    day: Mapped[date] = mapped_column(Date)
    #: domain id -> hours, in quarter hours (``certificates.outside_hours.hours_problem``)
    hours: Mapped[dict[str, float]] = mapped_column(JSON)
    #: the certificate of completion (required)
    file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_file.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=OutsideStatus.SUBMITTED)
    #: the lead's comment when they return it
    lead_comment: Mapped[str | None] = limited(limits.REASON, "lead_comment")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: when it was last sent to the lead (the queue's order)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    file: Mapped[StoredFile] = relationship()

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[OutsideStatus(self.status)]
