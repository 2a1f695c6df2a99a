"""One-time links to set a password: made by a program lead and handed over (no mail server
needed), emailed with an invitation, or emailed on request ("Forgot your password?")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from training import audit
from training.auth import login_sessions
from training.auth.tokens import new_token, token_hash
from training.extensions import db
from training.models import PasswordReset, ResetPurpose, User, utcnow

VALID_FOR = timedelta(hours=72)


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
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = new_token()
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash(token),
            purpose=purpose,
            created_by_id=lead.id if lead else None,
            expires_at=now + valid_for,
        )
    )
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


def use(reset: PasswordReset, password_hash: str) -> bool:
    """Set the new password once; False if the link was used meanwhile."""
    used = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        db.session.rollback()
        return False
    user = reset.user
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
