"""The certificate record: an issued certificate's signed facts, and what happened to it since.

``training.models`` imports it, so it is registered and named with every other model."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.columns import UTCDateTime, limited, utcnow
from training.extensions import db

if TYPE_CHECKING:
    from training.models import User

REVOCATION_CATEGORIES = {
    "misconduct": "Conduct or ethics concern",
    "error": "Issued in error",
    "requirements": "Requirements found not to be met",
    "request": "At the holder's request",
    "other": "Other reason",
}


#: a certificate that is neither revoked nor superseded by a re-issue or renewal
CURRENT_CERTIFICATE = "revoked_at IS NULL AND superseded_at IS NULL"


class Certificate(db.Model):
    """An issued certificate. The signed facts never change; revocation and replacement are
    recorded beside them, so history is kept and verification says what happened.

    A holder has at most one current certificate per track: the database refuses a second
    (``uq_certificate_current``), so two people issuing, re-issuing or renewing at the same
    moment cannot both succeed."""

    __table_args__ = (
        Index(
            "uq_certificate_current",
            "user_id",
            "track_id",
            unique=True,
            sqlite_where=text(CURRENT_CERTIFICATE),
            postgresql_where=text(CURRENT_CERTIFICATE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    holder_name: Mapped[str] = limited(limits.NAME, "holder_name")
    track_id: Mapped[str] = mapped_column(String(100))
    track_title: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    #: initial, reissue or renewal
    kind: Mapped[str] = mapped_column(String(20), default="initial")
    #: the canonical JSON that was signed, and the signature over it
    payload: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(200))
    #: the transcript (canonical JSON: a list of its lines), whose SHA-256 the payload signs as
    #: "transcript_sha256"; kept out of the payload so it can be withheld once the certificate
    #: is revoked or replaced. None on certificates signed before (theirs, if any, is inline).
    transcript: Mapped[str | None] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(40))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoke_category: Mapped[str | None] = mapped_column(String(30))
    #: the lead's own words: kept on record, never shown publicly
    revoke_reason: Mapped[str | None] = limited(limits.REASON, "revoke_reason")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    #: set, by a conditional update, the moment a re-issue or renewal takes this certificate's
    #: place (``replaced_by_id`` follows in the same transaction, once the new one has its id)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: rendered once at issue and stored here, where every app server can reach it
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    holder: Mapped[User] = relationship(foreign_keys=[user_id])
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    def status(self, today: date) -> str:
        """revoked, replaced, expired or valid (in that order of precedence)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.replaced_by_id is not None:
            return "replaced"
        if today > self.expires_on:
            return "expired"
        return "valid"
