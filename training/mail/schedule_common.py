"""What every kind of scheduled message needs: who still wants it, and which keys are written.

A scheduled message is written once under its dedupe key (``outbox.queue_once``). The worker
asks what is due every 30 seconds or so, so each kind first reads, in one query, which of the
keys it would write exist already, and asks the outbox only for the others."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, exists, select, update

from training.extensions import db
from training.mail.models import MailOptOut, OutboxMessage
from training.mail.outbox import queue_once
from training.models import User


def digest_hours() -> float:
    """``MAIL_DIGEST_HOURS``: a supervisor gets at most one digest of what waits for them per
    this many hours (``schedule_digest``); 0 or less: no digest, and each submission is told at
    once instead (``notices``). The one place the setting is read."""
    return float(current_app.config.get("MAIL_DIGEST_HOURS", 24) or 0)


def wanting(kind: str) -> tuple[ColumnElement[bool], ...]:
    """Conditions on ``User``: an active account that has not turned ``kind`` off (what
    ``outbox.wants`` checks for one person, for everyone in one query)."""
    opted_out = exists().where(MailOptOut.user_id == User.id, MailOptOut.kind == kind)
    return (User.active.is_(True), ~opted_out)


def written(keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys the outbox holds already."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):  # a bounded IN list, whatever the number
        found.update(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_(wanted[start : start + 500])
                )
            )
        )
    return found


def write_once(
    now: datetime, user: User, kind: str, template: str, subject: str, key: str, **context: Any
) -> bool:
    """``outbox.queue_once``, the message dated ``now`` (the pass that wrote it: the digest's
    spacing reads it, so a pass given another clock, as the tests do, stays consistent). True
    if it was written."""
    message = queue_once(user, kind, template, subject, key, **context)
    if message is None:
        return False
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id).values(created_at=now)
    )
    db.session.commit()
    return True


def people(ids: Iterable[int]) -> dict[int, User]:
    """The accounts with these ids, in one query."""
    wanted = list(ids)
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def counted(n: int, one: str, many: str) -> str:
    """E.g. "1 course", "3 courses"."""
    return f"{n} {one if n == 1 else many}"
