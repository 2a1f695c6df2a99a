"""Creating accounts, shared by the command line, the demo data and the tests."""

from __future__ import annotations

import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training import audit
from training.auth.password_strength import password_problem
from training.auth.passwords import hash_password
from training.extensions import db
from training.input_checks import is_one_line
from training.models import Role, User


class AccountError(ValueError):
    pass


class EmailTaken(AccountError):
    """Someone already has an account with this email, perhaps created a moment ago."""

    def __init__(self, email: str) -> None:
        super().__init__(f"An account for {email} already exists.")


def create_account(
    email: str,
    name: str,
    role: str | Role,
    password: str | None,
    *,
    by: User | None = None,
    self_registration: bool = False,
    credential: str | None = None,
    must_change_password: bool = False,
    how: str = "",
    commit: bool = True,
) -> User:
    """Create and commit an account with its audit event ("created": by ``by``, a program lead;
    by the new person for a ``self_registration``; None from the command line; ``how`` is added
    to its comment), or raise ``AccountError`` with a plain message and change nothing. The
    database's unique email decides between two people creating the same account at once: the
    other gets ``EmailTaken``.

    ``password=None`` makes an account nobody can sign in to until they set a password through
    a one-time link (an invitation): it must change its password. ``commit=False`` leaves the
    account and its event in the caller's transaction, for what goes with them (an invitation,
    a cohort), and the caller commits; ``EmailTaken`` rolls the caller's transaction back, so a
    caller writing several accounts commits each before the next.
    """
    email = email.strip().lower()
    if not is_email_address(email):
        raise AccountError(f"{email!r} is not an email address.")
    if not is_one_line(name):
        raise AccountError(
            "The name must be on one line, without line breaks or control characters."
        )
    if role not in {r.value for r in Role}:
        raise AccountError(f"Unknown role {role!r}: use trainee, supervisor or lead.")
    if password is not None and (
        problem := password_problem(
            password,
            current_app.config["MIN_PASSWORD_LENGTH"],
            personal=(email, name),
            context=(current_app.config["PROGRAM_NAME"],),
        )
    ):
        raise AccountError(problem)
    if _taken(email):  # the usual case, answered before the (slow) password hash
        raise EmailTaken(email)
    user = User(
        email=email,
        name=name.strip() or email,
        role=Role(role),
        password_hash=unusable_password_hash() if password is None else hash_password(password),
        must_change_password=must_change_password or password is None,
        credential=(credential or "").strip() or None,
    )
    _insert(user)
    actor = user if self_registration else by
    if self_registration:
        how = "self-registration"
    elif actor is None:
        how = "from the command line"
    audit.record(actor, "user", user.id, "created", comment=_described(user, how))
    if commit:
        db.session.commit()
    return user


def _insert(user: User) -> None:
    """Write the new account, or raise ``EmailTaken`` if the database's unique email refuses it:
    created by someone else since the check before, whose transaction committed first. The
    caller's transaction is rolled back (so a caller writing several accounts commits each)."""
    email = user.email
    try:
        db.session.add(user)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if _taken(email):
            raise EmailTaken(email) from None
        raise


@cache
def unusable_password_hash() -> str:
    """The hash an account without a password keeps: of a random password nobody ever saw, made
    once per process. Signing in with any password fails, and takes as long as with a real one
    (``verify_password``), so the time of the answer does not tell an invited account apart."""
    return hash_password(secrets.token_urlsafe(32))


def _taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def _described(user: User, how: str) -> str:
    """The audit comment of a new account: its role, its credential, how it was made."""
    described = f"{Role(user.role).label} account"
    if user.credential:
        described += f" (credential: {user.credential})"
    return f"{described}, {how}" if how else described


def is_email_address(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
