"""Sending what is due in the outbox: claim, send, retry, record every attempt.

A pass (``send_due``) takes the messages that are due a batch at a time: waiting with
``next_attempt_at`` passed, or ``sending`` under a claim that ran out (its worker died). Each
is claimed with a conditional UPDATE that only one worker can win (a new random
``claim_token`` and a lease, committed at once), then sent over one SMTP connection, and the
outcome is written only under that token. So two workers never both send a message, and a
message whose worker died is sent by another once its lease runs out.

The one case that can send a message twice: the SMTP server accepted it and the worker died
(or lost the database) before writing that down; another worker sends it again after the lease.

A temporary failure of a message (a 4xx reply, a dropped connection, a timeout) waits and
tries again: one minute, then twice as long each time, at most six hours, up to
``MAIL_MAX_ATTEMPTS``; a permanent one (a 5xx refusal of its recipient or its data, an address
the server cannot take) fails the message at once, and so does a fault in building or sending
that one message (the rest of the batch goes on). A set-up problem (the server cannot be
reached, or refuses our login or sender address) is no message's fault: the claimed batch
waits, backing off up to an hour, without counting attempts (so an outage never fails a
message), and the pass ends. A one-time link (an invitation, a password reset) that expired
while its message waited is not sent: the message fails, its text removed.

Each pass also removes sent messages older than ``MAIL_KEEP_DAYS`` with their attempts, a few
hundred at a time (failed ones stay for the lead).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from training import mail
from training.extensions import db
from training.mail import retention
from training.mail.kinds import INVITATION, PASSWORD_RESET
from training.mail.models import MailAttempt, MailStatus, OutboxMessage
from training.mail.sender import ERROR_LENGTH, Connection, SendError, SetupProblem, build_message
from training.models import utcnow

log = logging.getLogger(__name__)

#: messages claimed at a time (a pass takes batch after batch until nothing is due)
BATCH_SIZE = 20
#: the longest a try may take, in MAIL_TIMEOUTs (each waits for one reply): MAIL, RCPT, DATA,
#: the message, and a spare; and connecting: connect, EHLO, STARTTLS, EHLO, AUTH
TIMEOUTS_PER_MESSAGE = 5
TIMEOUTS_TO_CONNECT = 5
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
#: the longest wait after a set-up problem: once it is fixed, what waits goes within the hour
LONGEST_SETUP_WAIT = timedelta(hours=1)
#: the body a sensitive message keeps once sent, or once its link expired (its one-time link
#: must not stay in the outbox)
REMOVED_BODY = "(removed: it held a one-time link)"
LINK_EXPIRED = "its link expired before it could be sent"


@dataclass
class Summary:
    """What a pass did."""

    configured: bool = True
    #: scheduled messages written (digests, reminders, summaries)
    scheduled: int = 0
    sent: int = 0
    #: failed for now, tried again later
    retried: int = 0
    #: given up
    failed: int = 0
    #: sent messages removed as older than ``keep_days``
    removed: int = 0
    keep_days: int = 0
    #: what went wrong besides single messages: the server could not be reached (sending
    #: stopped early), or writing the scheduled messages failed
    problems: list[str] = field(default_factory=list)

    @property
    def eventful(self) -> bool:
        return bool(self.sent or self.retried or self.failed or self.removed or self.problems)

    def line(self) -> str:
        """One line for an operator's log."""
        if not self.configured:
            return "Mail is not configured (no MAIL_SERVER): nothing was sent."
        parts = [f"sent {self.sent}", f"{self.retried} to try again", f"{self.failed} failed"]
        if self.scheduled:
            parts.insert(0, f"scheduled {self.scheduled}")
        if self.removed:
            plural = "s" if self.removed != 1 else ""
            parts.append(
                f"removed {self.removed} sent message{plural} older than {self.keep_days} days"
            )
        text = "Mail: " + ", ".join(parts) + "."
        return " ".join([text, *self.problems])


@dataclass
class _Claim:
    id: int
    token: str
    #: the message's columns ``build_message`` reads, and its kind, attempts (counted towards
    #: MAIL_MAX_ATTEMPTS), tries (every attempt recorded), sensitive and created_at
    letter: Row[Any]


def worker_name() -> str:
    """This process, as attempts name it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def lease(config: Any) -> timedelta:
    """How long a claim holds: longer than a whole batch can take, however slow the server
    (about 18 minutes with the default MAIL_TIMEOUT of 10 s)."""
    timeouts = TIMEOUTS_PER_MESSAGE * BATCH_SIZE + TIMEOUTS_TO_CONNECT
    return timedelta(seconds=float(config.get("MAIL_TIMEOUT") or 10) * timeouts) + FIRST_RETRY


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 1 min, 2, 4, … at most 6 h."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_WAIT)


def send_due(
    now: datetime | None = None,
    *,
    worker: str | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> Summary:
    """Schedule what is due, then send every message that is due, in the current app context.

    ``should_stop`` is asked between messages (a SIGTERM): the messages still claimed go back
    to waiting as they were, not counted as tries."""
    summary = Summary(configured=mail.configured(current_app))
    if not summary.configured:
        return summary
    worker = worker or worker_name()
    _schedule(now or utcnow(), summary)
    with Connection(current_app.config) as connection:
        while not should_stop():
            clock = now or utcnow()
            candidates = _due_ids(clock)
            claims = _claim(candidates, clock)
            reached = _send(claims, connection, clock, worker, summary, should_stop)
            if not reached or len(candidates) < BATCH_SIZE:
                break
    if not should_stop():
        _remove_old(now or utcnow(), summary)
    return summary


def counts_by_status() -> dict[str, int]:
    """How many messages the outbox holds in each status (every status, zeros too)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    found = dict(rows)
    return {status.value: found.get(status.value, 0) for status in MailStatus}


def link_lifetime(kind: str, config: Any) -> timedelta | None:
    """How long the one-time link of a message of ``kind`` works, or None if it has none."""
    if kind == INVITATION.name:
        return timedelta(hours=config["INVITATION_VALID_HOURS"])
    if kind == PASSWORD_RESET.name:
        return timedelta(minutes=config["FORGOT_PASSWORD_VALID_MINUTES"])
    return None


def _schedule(now: datetime, summary: Summary) -> None:
    """Write the scheduled messages that are due (``training.mail.schedule``)."""
    from training.mail.schedule import queue_due

    try:
        summary.scheduled = queue_due(now) or 0
    except Exception as error:  # a fault in one reminder must not hold back what waits
        db.session.rollback()
        log.exception("Writing the scheduled messages failed; sending what is due anyway")
        summary.problems.append(f"Writing the scheduled messages failed: {error!r}"[:300])


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(
            OutboxMessage.status == MailStatus.WAITING.value,
            OutboxMessage.next_attempt_at <= now,
        ),
        and_(
            OutboxMessage.status == MailStatus.SENDING.value,
            OutboxMessage.claimed_until < now,
        ),
    )


def _due_ids(now: datetime) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(BATCH_SIZE)
    )
    ids = list(db.session.scalars(query))
    db.session.commit()  # ends the read: nothing stays open while the claims are written
    return ids


def _remove_old(now: datetime, summary: Summary) -> None:
    """Old sent messages go (``training.mail.retention``)."""
    try:
        summary.removed, summary.keep_days = retention.remove_old_sent(now)
    except Exception as error:  # another worker removing the same rows, say: next pass
        db.session.rollback()
        log.exception("Removing old sent messages failed")
        summary.problems.append(f"Removing old sent messages failed: {error!r}"[:300])


def _claim(ids: list[int], now: datetime) -> list[_Claim]:
    """Claim each message another worker has not; what is needed to send it."""
    until = now + lease(current_app.config)
    won: dict[int, str] = {}
    for message_id in ids:
        token = secrets.token_hex(16)
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(status=MailStatus.SENDING.value, claim_token=token, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if claimed.rowcount == 1:
            won[message_id] = token
    if not won:
        return []
    tries = (
        select(func.count(MailAttempt.id))
        .where(MailAttempt.message_id == OutboxMessage.id)
        .scalar_subquery()
    )
    columns = (
        OutboxMessage.id,
        OutboxMessage.to_address,
        OutboxMessage.subject,
        OutboxMessage.text_body,
        OutboxMessage.html_body,
        OutboxMessage.list_unsubscribe,
        OutboxMessage.kind,
        OutboxMessage.attempts,
        tries.label("tries"),
        OutboxMessage.sensitive,
        OutboxMessage.created_at,
    )
    rows = db.session.execute(
        select(*columns).where(OutboxMessage.id.in_(won)).order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return [_Claim(row.id, won[row.id], row) for row in rows]


def _send(
    claims: list[_Claim],
    connection: Connection,
    now: datetime,
    worker: str,
    summary: Summary,
    should_stop: Callable[[], bool],
) -> bool:
    """Send the claimed messages; False on a set-up problem (the messages not sent then wait
    for their next try)."""
    config = current_app.config
    for i, claim in enumerate(claims):
        if should_stop():
            _release(claims[i:])
            return True
        if _link_expired(claim, now):
            blank = {"text_body": REMOVED_BODY, "html_body": REMOVED_BODY}
            _failed_try(claim, LINK_EXPIRED, True, now, worker, summary, counted=False, **blank)
            continue
        try:
            connection.send(build_message(claim.letter, config))
        except SetupProblem as error:
            log.warning("Mail could not be sent: %s", error)
            summary.problems.append(f"Could not send: {error}")
            for waiting in claims[i:]:
                _wait_for_setup(waiting, str(error), now, worker, summary)
            return False
        except SendError as error:
            _failed_try(claim, str(error), error.permanent, now, worker, summary)
            continue
        except Exception as error:  # a fault in this one message: it fails, the rest go on
            log.exception("Mail message %s could not be built or sent", claim.id)
            db.session.rollback()
            connection.close()  # whatever state the conversation was left in
            problem = f"could not be sent: {type(error).__name__}: {error}"[:ERROR_LENGTH]
            _failed_try(claim, problem, True, now, worker, summary)
            continue
        _sent(claim, now, worker)
        summary.sent += 1
    return True


def _link_expired(claim: _Claim, now: datetime) -> bool:
    life = link_lifetime(claim.letter.kind, current_app.config)
    return life is not None and claim.letter.created_at + life <= now


def _sent(claim: _Claim, now: datetime, worker: str) -> None:
    values: dict[str, Any] = {"status": MailStatus.SENT.value, "sent_at": now, "last_error": None}
    if claim.letter.sensitive:
        values |= {"text_body": REMOVED_BODY, "html_body": REMOVED_BODY}
    _finish(claim, values, "sent", None, worker)


def _failed_try(
    claim: _Claim,
    error: str,
    permanent: bool,
    now: datetime,
    worker: str,
    summary: Summary,
    *,
    counted: bool = True,
    **changes: Any,
) -> None:
    """A try of this message failed: it waits for the next (after ``backoff``), or is given up
    when ``permanent`` or after MAIL_MAX_ATTEMPTS. ``counted``: the try counts as an attempt
    (not when the message was never offered to the server); ``changes``: other columns to
    write."""
    attempts = claim.letter.attempts + int(counted)
    give_up = permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    values: dict[str, Any] = {"attempts": attempts, "last_error": error, **changes}
    if give_up:
        values["status"] = MailStatus.FAILED.value
        summary.failed += 1
    else:
        values |= {"status": MailStatus.WAITING.value, "next_attempt_at": now + backoff(attempts)}
        summary.retried += 1
    outcome = "failed" if give_up else "retry"
    log.warning("Mail message %s not sent (%s): %s", claim.id, outcome, error)
    _finish(claim, values, outcome, error, worker)


def _wait_for_setup(
    claim: _Claim, error: str, now: datetime, worker: str, summary: Summary
) -> None:
    """A set-up problem kept this message from going: it waits, backing off with each try
    (at most ``LONGEST_SETUP_WAIT``), its attempts not counted, so it is never given up."""
    due = now + min(backoff(claim.letter.tries + 1), LONGEST_SETUP_WAIT)
    values = {"status": MailStatus.WAITING.value, "next_attempt_at": due, "last_error": error}
    summary.retried += 1
    _finish(claim, values, "retry", error, worker)


def _finish(
    claim: _Claim, values: dict[str, Any], outcome: str, error: str | None, worker: str
) -> None:
    """Write a try's outcome, under our claim only, and the attempt."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.claim_token == claim.token)
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.add(MailAttempt(message_id=claim.id, worker=worker, outcome=outcome, error=error))
    db.session.commit()
    if result.rowcount != 1:
        log.warning(
            "Mail message %s: our claim ran out before the try ended (%s); another worker "
            "took it over",
            claim.id,
            outcome,
        )


def _release(claims: list[_Claim]) -> None:
    """Give claimed messages back untried (the worker is stopping)."""
    for claim in claims:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claim.id, OutboxMessage.claim_token == claim.token)
            .values(status=MailStatus.WAITING.value, claim_token=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
