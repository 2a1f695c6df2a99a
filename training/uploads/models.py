"""The stored file: an uploaded certificate or piece of evidence, its bytes in the database."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training import limits
from training.columns import UTCDateTime, limited, utcnow
from training.extensions import db

if TYPE_CHECKING:
    from training.models import User


class StoredFile(db.Model):
    """A file someone uploaded, as evidence for a record of theirs. Its type is the one read
    from its content (PDF, PNG or JPEG), never what the browser claimed; its bytes load only
    when asked for (``data`` is deferred).

    Evidence stays: like a certificate, a file keeps its owner from being deleted (RESTRICT;
    accounts are deactivated, not deleted)."""

    #: a deleted file's id is never given to another (the audit log names it)
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    #: who uploaded it: the owner, or a lead adding evidence for them
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: the name to offer on download: sanitised, its extension the detected type's
    filename: Mapped[str] = limited(limits.FILE_NAME, "filename")
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
