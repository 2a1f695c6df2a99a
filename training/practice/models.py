"""Practice responses: every try a trainee writes at an exercise, and its supervisor's review."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.extensions import db
from training.models import User, UTCDateTime, limited, utcnow


class PracticeStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for a supervisor
    ACCEPTED = "accepted"
    RETURNED = "returned"  # the supervisor asked for another try


#: a response that still stands: waiting for review, or accepted
CURRENT_RESPONSE = "status IN ('submitted', 'accepted')"


class PracticeResponse(db.Model):
    """One try at one exercise. Every try is kept; a new try is a new row.

    The database holds the rules that races could break: a trainee has at most one response per
    exercise that is waiting or accepted (``uq_practice_response_current``: so never two
    waiting, never two accepted, and no new try once one is accepted), and try numbers do not
    repeat. A review is a conditional UPDATE (``WHERE status = 'submitted'``), so two
    supervisors, or two clicks, cannot both decide.
    """

    __table_args__ = (
        UniqueConstraint("trainee_id", "course_id", "exercise_id", "attempt"),
        Index(
            "uq_practice_response_current",
            "trainee_id",
            "course_id",
            "exercise_id",
            unique=True,
            sqlite_where=sql(CURRENT_RESPONSE),
            postgresql_where=sql(CURRENT_RESPONSE),
        ),
        Index("ix_practice_response_status", "status", "submitted_at"),
        # a trainee's (or a cohort's) responses by status: the certificate checklist and the
        # cohort dashboard read accepted exercises for a list of trainees
        Index(
            "ix_practice_response_trainee_status",
            "trainee_id",
            "status",
            "course_id",
            "exercise_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    exercise_id: Mapped[str] = mapped_column(String(100))
    #: 1 for the first try, 2 for the next …
    attempt: Mapped[int]
    text: Mapped[str] = limited(limits.PRACTICE_RESPONSE, "text")
    status: Mapped[PracticeStatus] = mapped_column(String(20), default=PracticeStatus.SUBMITTED)
    #: the course content version the exercise was answered at
    content_version: Mapped[str] = mapped_column(String(40))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the supervisor who accepted it or asked for another try
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: criterion index (as text: JSON keys are strings) -> met (True) or not yet (False)
    ratings: Mapped[dict[str, bool] | None] = mapped_column(JSON)
    feedback: Mapped[str | None] = limited(limits.PRACTICE_FEEDBACK, "feedback")

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    def met(self, index: int) -> bool | None:
        """The rating of criterion ``index``: True (met), False (not yet), None (not rated)."""
        return (self.ratings or {}).get(str(index))
