"""A lead's yes/no confirmations of a trainee's items ("High-school diploma or GED seen").

Only yes and who/when are stored: never a document, its details or anything about a person's
history. Signatures of attestations are ``training.models.TrackSignature``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.extensions import db
from training.models import User, UTCDateTime, limited, utcnow

#: a confirmation in force (not withdrawn)
ACTIVE_CONFIRMATION = "withdrawn_at IS NULL"


class LeadConfirmation(db.Model):
    """A lead confirmed one of the track's items for a trainee. Withdrawing keeps the row (who,
    when, a short reason); confirming again adds a new one. The database holds one active
    confirmation per trainee, track and item (``uq_lead_confirmation_active``), so two leads
    confirming at once record one; a withdrawal is a conditional UPDATE (``WHERE withdrawn_at
    IS NULL``), so only one of two withdrawals at once is recorded."""

    __table_args__ = (
        Index(
            "uq_lead_confirmation_active",
            "trainee_id",
            "track_id",
            "item_id",
            unique=True,
            sqlite_where=sql(ACTIVE_CONFIRMATION),
            postgresql_where=sql(ACTIVE_CONFIRMATION),
        ),
        Index("ix_lead_confirmation_trainee", "trainee_id", "track_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(100))
    #: the id of the track's ``[[confirmations]]`` item
    item_id: Mapped[str] = mapped_column(String(100))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdraw_reason: Mapped[str | None] = limited(
        limits.CONFIRMATION_WITHDRAW_REASON, "withdraw_reason"
    )

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
