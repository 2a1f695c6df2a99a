"""The records behind portable credentials: every key that ever signed one, and every Open
Badges 3.0 credential issued with a certificate.

``training.models`` imports this module, so its tables are named with every other model.

Keys are kept here only as public keys: the private key stays in configuration
(``training.certs.keys``). A key rotated out keeps its row (``retired_at`` set), so the issuer
document keeps publishing it and credentials signed before the rotation keep verifying, unless
an operator revoked it (``revoked_at``: the key leaked), which withdraws the trust in all it signed.

A credential's place in the status list (``status_list``, ``status_index``) is drawn at random
and never reused (``uq_open_badge_status_list``): flipping that bit revokes exactly that one
credential. Rows are never deleted while their certificate exists (``RESTRICT``): a deleted row
would clear its bit and make a revoked credential look good again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from training.certificate_model import Certificate
from training.columns import UTCDateTime, utcnow
from training.extensions import db

#: a credential bound to the holder's (hashed) email: one per certificate
EMAIL_BOUND = "subject_did IS NULL"
#: a credential bound to a DID the holder gave: one per certificate and DID
DID_BOUND = "subject_did IS NOT NULL"
#: a certificate revoked or replaced: its credentials' bits are set in the status lists
ENDED = "revoked_at IS NOT NULL OR superseded_at IS NOT NULL"

#: the certificates that ended, found without reading any other certificate: the status lists
#: are worked out from them on every request (``training.ob3.status.set_bits``), so a
#: revocation shows at once. (An index of the certificate table, kept with its one reader.)
Index(
    "ix_certificate_ended",
    Certificate.id,
    sqlite_where=text(ENDED),
    postgresql_where=text(ENDED),
)


class SigningKey(db.Model):
    """A public key the platform signs (or signed) with, named by its fingerprint
    (``certificates.signing.key_id``). ``retired_at`` is set when another key took over,
    ``revoked_at`` when a retired key was declared compromised."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set when an operator revoked it (``flask --app wsgi keys revoke``): it was compromised,
    #: so nothing it signed is trusted any more
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OpenBadge(db.Model):
    """An Open Badges 3.0 credential issued with a certificate, as signed (``credential``)."""

    __tablename__ = "open_badge"
    __table_args__ = (
        UniqueConstraint("status_list", "status_index"),
        Index(
            "uq_open_badge_email_bound",
            "certificate_id",
            unique=True,
            sqlite_where=text(EMAIL_BOUND),
            postgresql_where=text(EMAIL_BOUND),
        ),
        Index(
            "uq_open_badge_did_bound",
            "certificate_id",
            "subject_did",
            unique=True,
            sqlite_where=text(DID_BOUND),
            postgresql_where=text(DID_BOUND),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificate.id", ondelete="RESTRICT"), index=True
    )
    status_list: Mapped[int] = mapped_column(default=1)
    status_index: Mapped[int]
    #: the DID the holder asked the credential to name (None: their email, hashed with ``salt``)
    subject_did: Mapped[str | None] = mapped_column(String(200))
    salt: Mapped[str] = mapped_column(String(64))
    #: the signed credential's JSON, exactly as handed out
    credential: Mapped[str] = mapped_column(Text)
    #: the fingerprint of the key that signed it
    key_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
