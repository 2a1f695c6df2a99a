"""One-time links to set a password: made by a program lead and handed over (no mail server
needed), emailed with an invitation, or emailed on request ("Forgot your password?").

A person has at most one working link: a new one makes the earlier ones stop working, and
using one ends it. Either way, the messages that carry a link no longer working and have not
gone out yet (waiting, or failed) are deleted in the same transaction: the outbox never keeps
a dead link to send later, nor a copy of one (a message being sent is left to the worker).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from training import audit, dates
from training.auth import login_sessions
from training.auth.tokens import new_token, token_hash
from training.extensions import db
from training.mail import kinds
from training.mail.models import MailStatus, OutboxMessage
from training.models import PasswordReset, ResetPurpose, User, utcnow

VALID_FOR = timedelta(hours=72)

#: the kinds of message that carry a link from here
_LINK_KINDS = (kinds.INVITATION.name, kinds.PASSWORD_RESET.name)


def lasts(valid_for: timedelta) -> str:
    """How long a link works, in words, as messages and pages say it: "1 hour", "7 days"."""
    return dates.duration(int(valid_for.total_seconds() // 60))


def create(
    user: User,
    lead: User | None,
    purpose: ResetPurpose = ResetPurpose.HANDOVER,
    valid_for: timedelta = VALID_FOR,
) -> str:
    """A new link token for ``user`` (made by ``lead``, or None when the person asked for it
    themselves); any earlier unused link stops working. Handed-over links are audited and
    committed here; for the emailed purposes the caller audits, queues the message and commits,
    all in one transaction."""
    now = utcnow()
    token = new_token()
    for _ in range(3):
        db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
        _withdraw_unsent_links(user)
        try:
            with db.session.begin_nested():
                db.session.add(
                    PasswordReset(
                        user_id=user.id,
                        token_hash=token_hash(token),
                        purpose=purpose,
                        created_by_id=lead.id if lead else None,
                        expires_at=now + valid_for,
                    )
                )
            break
        except IntegrityError:
            # another request made this person a link at the same moment (a double click):
            # the database keeps one working link each, so end that one too and try again
            continue
    else:
        raise RuntimeError("could not make a password link: links keep being made at once")
    if purpose == ResetPurpose.HANDOVER:
        audit.record(lead, "user", user.id, "password reset link made")
        db.session.commit()
    return token


def find(token: str) -> PasswordReset | None:
    """The reset for a token, if it is unused, unexpired and its account active."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))
    )
    if (
        reset is None
        or reset.used_at is not None
        or reset.expires_at < utcnow()
        or not reset.user.active
    ):
        return None
    return reset


def end_unused(reset_id: int) -> bool:
    """End the link ``reset_id`` if it still works (a conditional update: of two requests at
    once, one ends it); False, with the transaction rolled back, if it had ended already."""
    ended = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if ended.rowcount != 1:
        db.session.rollback()
        return False
    return True


def use(reset: PasswordReset, password_hash: str) -> bool:
    """Set the new password once; False if the link was used meanwhile."""
    if not end_unused(reset.id):
        return False
    user = reset.user
    _withdraw_unsent_links(user)
    user.password_hash = password_hash
    user.must_change_password = False
    login_sessions.end_all(user)  # signed out everywhere: sign in with the new password
    lead = db.session.get(User, reset.created_by_id) if reset.created_by_id else None
    link = f"with a one-time link from {lead.name}" if lead else "with a one-time link"
    if reset.purpose == ResetPurpose.INVITATION:
        link = f"invitation accepted (from {lead.name})" if lead else "invitation accepted"
    audit.record(user, "user", user.id, "password reset", comment=link)
    db.session.commit()
    return True


def _withdraw_unsent_links(user: User) -> None:
    """Delete ``user``'s messages with a link that no longer works and not sent yet (waiting or
    failed; one a worker is sending is left to it), in the current transaction."""
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.user_id == user.id,
            OutboxMessage.kind.in_(_LINK_KINDS),
            OutboxMessage.status.in_((MailStatus.WAITING, MailStatus.FAILED)),
        ),
        execution_options={"synchronize_session": False},
    )
