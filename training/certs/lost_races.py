"""What someone is told when the certificate they acted on had just been changed.

Two clicks on "Renew", two tabs, or two program leads at once: the database lets exactly one
change through (``training.certs.transitions``), and whoever lost is told what happened in words
that are true whoever acted, themselves included ("by you, perhaps in another tab or window"),
and what is current now, so that a lead whose revocation lost to a re-issue knows the
replacement is valid and can revoke that one too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from certificates.codes import format_code
from training.certs.services import SUBJECT, CertificateError
from training.dates import long_date
from training.extensions import db
from training.models import AuditEvent, Certificate, User, utcnow

#: a change this recent is "a moment ago"; an older one is given its date
RECENT = timedelta(minutes=10)


class NotCurrent(CertificateError):
    """The certificate is no longer current. ``now_current`` is the certificate that replaced
    it, if one did, so the page can point to it."""

    def __init__(self, message: str, now_current: Certificate | None = None) -> None:
        super().__init__(message)
        self.now_current = now_current


def why_not_current(certificate: Certificate, actor: User | None, attempted: str) -> NotCurrent:
    """Why ``attempted`` ("revoke", "re-issue" or "renew") found ``certificate`` no longer
    current. The transaction is rolled back first, so the answer is what the database holds."""
    db.session.rollback()
    nothing = "Nothing was revoked" if attempted == "revoke" else "Nothing was changed"
    if certificate.revoked_at is not None:
        return NotCurrent(
            f"{nothing}: this certificate was already revoked {_when(certificate.revoked_at)}"
            f"{_by(actor, certificate.revoked_by_id)}."
        )
    replacement = certificate.replaced_by
    if replacement is None:
        return NotCurrent(f"{nothing}: this certificate was changed a moment ago. Please reload.")
    done = "renewed" if replacement.kind == "renewal" else "re-issued"
    when = _when(certificate.superseded_at or replacement.issued_at)
    by = _by(actor, _actor_of(replacement, done))
    code = format_code(replacement.code)
    status = replacement.status(utcnow().date())
    now = {
        "valid": f"is now the current certificate, valid until {long_date(replacement.expires_on)}",
        "expired": f"is now the current certificate, but it expired on "
        f"{long_date(replacement.expires_on)}",
        "revoked": "has since been revoked too",
        "replaced": "has since been replaced by a newer one",
    }[status]
    message = f"{nothing}: this certificate was {done} {when}{by}. Its replacement, {code}, {now}."
    if attempted == "revoke" and status in ("valid", "expired"):
        message += f" If it should be revoked too, revoke {code}: it is shown below."
    return NotCurrent(message, now_current=replacement)


def _when(moment: datetime | None) -> str:
    if moment is None or utcnow() - moment < RECENT:
        return "a moment ago"
    return f"on {long_date(moment)}"


def _by(actor: User | None, by_id: int | None) -> str:
    """Who did it: the person reading, perhaps in another tab, or someone named."""
    if by_id is None:
        return ""
    if actor is not None and by_id == actor.id:
        return " by you (perhaps in another tab or window)"
    person = db.session.get(User, by_id)
    return f" by {person.name}" if person is not None else ""


def _actor_of(replacement: Certificate, action: str) -> int | None:
    """Who renewed or re-issued: the audit event written with the replacement says."""
    return db.session.scalar(
        select(AuditEvent.actor_id)
        .where(
            AuditEvent.subject_type == SUBJECT,
            AuditEvent.subject_id == replacement.id,
            AuditEvent.action == action,
        )
        .limit(1)
    )
