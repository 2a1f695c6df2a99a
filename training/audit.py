"""The audit trail: every state change is recorded as a new row, never edited."""

from __future__ import annotations

from sqlalchemy import select

from training import limits
from training.extensions import db
from training.models import AuditEvent, User


def record(
    actor: User | None,
    subject_type: str,
    subject_id: int,
    action: str,
    from_status: str | None = None,
    to_status: str | None = None,
    comment: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits with its change)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=fit_comment(comment),
    )
    db.session.add(event)
    return event


def fit_comment(comment: str | None) -> str | None:
    """The comment, shortened with "…" if it would pass its column's limit: the comments the app
    writes (a reason with its category, a name change) fit, and this keeps any other from
    failing the change it records."""
    if comment is None or len(comment) <= limits.AUDIT_COMMENT:
        return comment
    return comment[: limits.AUDIT_COMMENT - 1] + "…"


def history(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
