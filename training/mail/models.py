"""The outbox: messages waiting to be sent, each attempt to send one, and who turned off what."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from training import limits
from training.columns import UTCDateTime, limited, utcnow
from training.extensions import db


class MailStatus(StrEnum):
    #: due at ``next_attempt_at`` (at once when written, later after a failed attempt)
    WAITING = "waiting"
    #: claimed by a worker until ``claimed_until``; a worker that died leaves it to be claimed
    #: again once that passes
    SENDING = "sending"
    SENT = "sent"
    #: given up: refused for good by the server, or every attempt failed (a lead may retry)
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One email, rendered when it was queued (text and HTML), sent by the worker.

    Written in the transaction of the event it tells of, so a rolled-back event sends nothing
    and a committed one is never lost. A worker claims it with a conditional UPDATE (status
    waiting and due, or a claim that ran out), so two workers never both send it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # the worker's query: what is due, oldest first
        Index("ix_outbox_message_status_due", "status", "next_attempt_at", "id"),
        CheckConstraint("status IN ('waiting', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one of ``training.mail.kinds.KINDS``
    kind: Mapped[str] = mapped_column(String(40))
    #: the person it is for (None once their account is deleted); ``to_address`` is kept as sent
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = limited(limits.EMAIL, "to_address")
    subject: Mapped[str] = limited(limits.MAIL_SUBJECT, "subject")
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: the one-click unsubscribe address of an optional message (RFC 8058), None for required
    list_unsubscribe: Mapped[str | None] = mapped_column(String(600))
    #: carries a one-time link (an invitation, a password reset): its bodies are blanked once
    #: it is sent, so the outbox never keeps a working link
    sensitive: Mapped[bool] = mapped_column(default=False)
    #: set for scheduled messages (digests, reminders, summaries): two workers scheduling at
    #: once write it once; and for "signed off" messages, naming the sign-offs they tell of, so
    #: undoing one finds its message (``notices.signed_off_key``)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=MailStatus.WAITING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the claiming worker's random token, and when its claim runs out
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class MailAttempt(db.Model):
    """One try at handing a message to the SMTP server, and how it went."""

    __tablename__ = "mail_attempt"
    __table_args__ = (CheckConstraint("outcome IN ('sent', 'retry', 'failed')", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: which worker tried (host and process id)
    worker: Mapped[str] = mapped_column(String(100))
    #: sent; retry (a temporary failure: tried again later); failed (given up)
    outcome: Mapped[str] = mapped_column(String(12))
    error: Mapped[str | None] = mapped_column(String(500))


class MailOptOut(db.Model):
    """A person has turned off one optional kind of message (no row: they get it)."""

    __tablename__ = "mail_opt_out"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailScheduleMark(db.Model):
    """A scheduled job done for its period, e.g. ``weekly:2026-W48``: the worker that writes
    the mark (in the transaction of the messages it writes) does the job; every other worker,
    and every later pass, skips it without working anything out again."""

    __tablename__ = "mail_schedule_mark"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
