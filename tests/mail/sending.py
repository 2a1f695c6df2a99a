"""Helpers for the tests of the sending worker: queue a message, run a pass, make a message
due again without waiting, read the outbox and its attempts (the ``smtp`` fixture, a real SMTP
server, is in conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select, update

from tests.helpers import in_app
from training.extensions import db
from training.mail.models import MailAttempt, OutboxMessage
from training.mail.outbox import queue
from training.mail.worker import Summary, send_due
from training.models import User, utcnow


def queue_message(
    user: User, kind: str = "test", subject: str = "Testing", **options: object
) -> int:
    """Queue the test message for ``user`` and commit, as an event would (in a request); its
    id."""
    with in_app(), current_app.test_request_context():
        message = queue(user, kind, "test_message", subject, **options)
        assert message is not None
        db.session.commit()
        return message.id


def run_worker(app: Flask, **options: object) -> Summary:
    """One pass of the worker, in an app context of its own, as the command runs it."""
    with app.app_context():
        return send_due(**options)  # type: ignore[arg-type]


def due_now(*ids: int) -> None:
    """Make waiting messages due (as if their wait had passed), instead of sleeping."""
    with in_app():
        condition = OutboxMessage.id.in_(ids) if ids else True
        db.session.execute(
            update(OutboxMessage)
            .where(condition)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def outbox(message_id: int) -> OutboxMessage:
    with in_app():
        message = db.session.get(OutboxMessage, message_id)
        assert message is not None
        db.session.refresh(message)
        db.session.expunge(message)
        return message


def attempts_of(message_id: int) -> list[MailAttempt]:
    with in_app():
        rows = db.session.scalars(
            select(MailAttempt).where(MailAttempt.message_id == message_id).order_by(MailAttempt.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def marker(received) -> int:  # type: ignore[no-untyped-def]
    """The outbox id a received email carries in its Message-ID (``<…outbox12@host>``)."""
    local = received["Message-ID"].strip("<>").split("@")[0]
    return int(local.rsplit("outbox", 1)[1])
