"""The lead's mail console (``/lead/mail``): is email set up, is the worker sending, what
waits and what failed (and trying it again), and a test message to oneself.

It never shows, or even loads, a message's text or HTML: they may hold a one-time link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select, update
from sqlalchemy.orm import defer

from training import audit
from training.auth import role_required
from training.dates import duration
from training.extensions import db
from training.forms import Form
from training.mail import bp, configured
from training.mail.kinds import KINDS, TEST
from training.mail.models import MailAttempt, MailStatus, OutboxMessage
from training.mail.outbox import queue
from training.mail.worker import counts_by_status
from training.models import Role, User, utcnow

PAGE_SIZE = 50
#: the status filter's choices, in the order the counts are shown
STATUSES = {
    MailStatus.WAITING.value: "Waiting",
    MailStatus.SENDING.value: "Being sent",
    MailStatus.SENT.value: "Sent",
    MailStatus.FAILED.value: "Failed",
}
#: a running worker sends a due message within seconds (a timer running ``--once``, within
#: minutes): a message due this long while nothing was tried means the worker has stopped
STALLED_AFTER = timedelta(minutes=30)
#: how the audit log names an outbox message
SUBJECT = "outbox_message"


class ConsoleForm(Form):
    """CSRF only, for the console's buttons (try again, try all failed again, test message)."""


@dataclass(frozen=True)
class WorkerNews:
    """What the banner says about the worker, computed from the outbox and its attempts."""

    #: the newest attempt that sent a message, and the newest attempt of any outcome
    last_sent: datetime | None
    last_try: MailAttempt | None
    waiting: int
    #: messages are overdue and nothing was tried for ``STALLED_AFTER``
    stalled: bool


def _ago(moment: datetime, now: datetime) -> str:
    """How long ago, rounded as people say it: "4 minutes", "3 hours", "2 days"."""
    minutes = max(1, int((now - moment).total_seconds() // 60))
    if minutes >= 2 * 24 * 60:
        minutes = round(minutes / (24 * 60)) * 24 * 60
    elif minutes >= 60:
        minutes = round(minutes / 60) * 60
    return duration(minutes)


def _worker_news(waiting: int, now: datetime) -> WorkerNews:
    last_sent = db.session.scalar(
        select(func.max(MailAttempt.at)).where(MailAttempt.outcome == MailStatus.SENT)
    )
    last_try = db.session.scalars(
        select(MailAttempt).order_by(MailAttempt.at.desc(), MailAttempt.id.desc()).limit(1)
    ).first()
    overdue = db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == MailStatus.WAITING,
            OutboxMessage.next_attempt_at <= now - STALLED_AFTER,
        )
        .limit(1)
    )
    quiet = last_try is None or last_try.at <= now - STALLED_AFTER
    return WorkerNews(last_sent, last_try, waiting, stalled=overdue is not None and quiet)


def _listed(status: str, address: str):  # type: ignore[no-untyped-def]
    """The messages the filters pick, newest first, a page at a time, without their bodies;
    with the page, the number of pages, how many match, and the recipients' names by id."""
    conditions = []
    if status:
        conditions.append(OutboxMessage.status == status)
    if address:
        typed = address.lower()
        conditions.append(func.lower(OutboxMessage.to_address).contains(typed, autoescape=True))
    total = db.session.scalar(select(func.count(OutboxMessage.id)).where(*conditions)) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    messages = db.session.scalars(
        select(OutboxMessage)
        .options(
            defer(OutboxMessage.text_body, raiseload=True),
            defer(OutboxMessage.html_body, raiseload=True),
        )
        .where(*conditions)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = {m.user_id for m in messages if m.user_id is not None}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return messages, page, pages, total, names


def _filters() -> dict[str, str]:
    """The console's filters from the query string, as ``_pager.html`` and redirects take them."""
    status = request.args.get("status", "")
    return {
        "status": status if status in STATUSES else "",
        "q": request.args.get("q", "").strip(),
    }


@bp.route("/lead/mail")
@role_required(Role.LEAD)
def console():  # type: ignore[no-untyped-def]
    now = utcnow()
    filters = _filters()
    counts = counts_by_status()
    messages, page, pages, total, names = _listed(filters["status"], filters["q"])
    return render_template(
        "mail/pages/console.html",
        configured=configured(current_app),
        news=_worker_news(counts[MailStatus.WAITING], now),
        now=now,
        ago=_ago,
        counts=counts,
        statuses=STATUSES,
        kinds=KINDS,
        messages=messages,
        names=names,
        page=page,
        pages=pages,
        total=total,
        filters=filters,
        kept={name: value for name, value in filters.items() if value},
    )


def _back():  # type: ignore[no-untyped-def]
    """To the console, on the page and with the filters the button was pressed on."""
    page = request.args.get("page", 1, type=int)
    kept = {name: value for name, value in _filters().items() if value}
    return redirect(url_for(".console", page=page if page > 1 else None, **kept), 303)


def _try_again(*which) -> list[int]:  # type: ignore[no-untyped-def]
    """Failed messages (of ``which``) wait again, due now, their attempts started afresh (the
    whole retry schedule again; ``MailAttempt`` keeps the history); audited. Only those still
    failed at this moment change (the database decides: a message another lead retried, or
    the worker sent, a moment ago is left as it is). The ids of those changed."""
    now = utcnow()
    changed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.FAILED, *which)
        .values(
            status=MailStatus.WAITING,
            attempts=0,
            next_attempt_at=now,
            claim_token=None,
            claimed_until=None,
        )
        .returning(OutboxMessage.id),
        execution_options={"synchronize_session": False},
    ).all()
    for message_id in sorted(changed):
        audit.record(
            current_user, SUBJECT, message_id, "tried again", MailStatus.FAILED, MailStatus.WAITING
        )
    db.session.commit()
    return list(changed)


def _waits_unless_configured() -> str:
    if configured(current_app):
        return ""
    return " Email is not set up, so nothing is sent until it is."


@bp.route("/lead/mail/<int:message_id>/try-again", methods=["POST"])
@role_required(Role.LEAD)
def try_again(message_id: int):  # type: ignore[no-untyped-def]
    if not ConsoleForm().validate_on_submit():
        abort(400)
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.id == message_id)) is None:
        abort(404)
    if _try_again(OutboxMessage.id == message_id):
        flash("The message will be tried again." + _waits_unless_configured(), "success")
    else:
        flash("That message was already tried again or sent, so nothing changed.", "info")
    return _back()


@bp.route("/lead/mail/try-all-again", methods=["POST"])
@role_required(Role.LEAD)
def try_all_again():  # type: ignore[no-untyped-def]
    if not ConsoleForm().validate_on_submit():
        abort(400)
    changed = len(_try_again())
    if changed:
        flash(
            f"{changed} failed message{'s' if changed != 1 else ''} will be tried again."
            + _waits_unless_configured(),
            "success",
        )
    else:
        flash("No message has failed (they were already tried again), so nothing changed.", "info")
    return _back()


@bp.route("/lead/mail/test", methods=["POST"])
@role_required(Role.LEAD)
def send_test():  # type: ignore[no-untyped-def]
    if not ConsoleForm().validate_on_submit():
        abort(400)
    message = queue(current_user, TEST.name, "test_message", "A test message")
    assert message is not None  # a required kind always goes
    db.session.flush()
    audit.record(current_user, SUBJECT, message.id, "test message queued")
    db.session.commit()
    if configured(current_app):
        after = " It goes out the next time the mail worker runs."
    else:
        after = " Email is not set up, so it waits here."
    flash(f"A test message to {current_user.email} is in the outbox.{after}", "success")
    return _back()
