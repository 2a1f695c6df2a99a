"""Login sessions: each sign-in on a device is a row, and its token is the Flask-Login id.

The session cookie and the remember cookie both carry the token, so ending the row (signing
out, changing the password, deactivation) ends both cookies on the server, even copies of
them. No sign-in outlives ``REMEMBER_COOKIE_DURATION``, remembered or not.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, delete, select

from training.auth.tokens import new_token, token_hash
from training.extensions import db
from training.models import LoginSession, User, utcnow

#: Flask-Login's own default for how long "Keep me signed in" lasts
DEFAULT_MAX_AGE = timedelta(days=365)


def max_age() -> timedelta:
    value = current_app.config.get("REMEMBER_COOKIE_DURATION", DEFAULT_MAX_AGE)
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def start(user: User) -> str:
    """A new sign-in for ``user`` (added to the transaction; the caller commits). Also forgets
    the account's sign-ins that are too old to be used again, so rows do not pile up."""
    started = utcnow()
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.created_at < started - max_age()
        )
    )
    token = new_token()
    db.session.add(LoginSession(user_id=user.id, token_hash=token_hash(token), created_at=started))
    user.login_token = token
    return token


def end(token: str | None) -> None:
    """End one sign-in (signing out on one device); the caller commits."""
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def end_all(user: User) -> None:
    """End every sign-in of the account, on every device; the caller commits."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def load(token: str) -> User | None:
    """The signed-in person for a token from a cookie, with what waits for them, in one query;
    None if that sign-in has ended or is too old."""
    row = db.session.execute(
        _load_statement(), {"token_hash": token_hash(token), "not_before": _not_before()}
    ).first()
    if row is None:
        return None
    user, waiting = row
    user.login_token = token
    user.waiting_count = waiting
    return user


def _not_before() -> datetime:
    return utcnow() - max_age()


@cache
def _load_statement():  # type: ignore[no-untyped-def]
    """Built once: every request runs it, and SQLAlchemy finds its compiled SQL faster for the
    same statement object."""
    from training.hours.services import waiting_column

    return (
        select(User, waiting_column())
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == bindparam("token_hash"),
            LoginSession.created_at >= bindparam("not_before"),
        )
    )
