"""Quiz attempt rules kept in the database: extra attempts a program lead grants a trainee.

Registered with the other models when ``training.learning`` is imported (``create_app`` does).
The rule "one open attempt per trainee and course" is an index on ``QuizAttempt`` itself
(``training.models``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.extensions import db
from training.models import User, UTCDateTime, limited, utcnow

#: the most extra attempts one grant may give (a lead may grant again)
MOST_EXTRA_ATTEMPTS = 5


class ExtraAttempts(db.Model):
    """Attempts a lead granted one trainee at one course's quiz, on top of ``max_attempts``.

    Rows are only ever added (each grant is a row, with its reason and an audit event): the
    trainee's allowance is the quiz's ``max_attempts`` plus the sum of their grants."""

    __tablename__ = "extra_quiz_attempts"
    __table_args__ = (
        Index("ix_extra_quiz_attempts_trainee_course", "trainee_id", "course_id"),
        CheckConstraint(f"attempts BETWEEN 1 AND {MOST_EXTRA_ATTEMPTS}", name="attempts_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    attempts: Mapped[int]
    reason: Mapped[str] = limited(limits.REASON, "reason")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
