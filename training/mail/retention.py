"""How long the outbox keeps a message: sent messages go, with their attempts, once they are
``MAIL_KEEP_DAYS`` old (each pass of the worker removes a few hundred, so no pass holds long
locks); failed messages stay, for the lead to see and try again."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, select

from training.extensions import db
from training.mail.models import MailAttempt, MailStatus, OutboxMessage

#: old sent messages removed at most per pass
PURGE_BATCH = 500


def remove_old_sent(now: datetime) -> tuple[int, int]:
    """Remove up to ``PURGE_BATCH`` messages sent more than ``MAIL_KEEP_DAYS`` ago (0: keep
    them all), with their attempts, and commit; how many went, and the days kept."""
    days = int(current_app.config.get("MAIL_KEEP_DAYS") or 0)
    if days <= 0:
        return 0, days
    old = and_(
        OutboxMessage.status == MailStatus.SENT.value,
        OutboxMessage.sent_at < now - timedelta(days=days),
    )
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id).where(old).order_by(OutboxMessage.id).limit(PURGE_BATCH)
        )
    )
    removed = 0
    if ids:
        db.session.execute(delete(MailAttempt).where(MailAttempt.message_id.in_(ids)))
        result = db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids), old))
        removed = result.rowcount
    db.session.commit()
    return removed, days
