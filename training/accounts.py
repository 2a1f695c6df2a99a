"""Creating accounts, shared by the command line, the demo data and the tests."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from training.auth.password_strength import password_problem
from training.auth.passwords import hash_password
from training.extensions import db
from training.input_checks import is_one_line
from training.models import Role, User


class AccountError(ValueError):
    pass


def create_account(
    email: str, name: str, role: str | Role, password: str, *, must_change_password: bool = False
) -> User:
    """Create and commit an account, or raise ``AccountError`` with a plain message."""
    email = email.strip().lower()
    if not _valid_email(email):
        raise AccountError(f"{email!r} is not an email address.")
    if not is_one_line(name):
        raise AccountError(
            "The name must be on one line, without line breaks or control characters."
        )
    if role not in {r.value for r in Role}:
        raise AccountError(f"Unknown role {role!r}: use trainee, supervisor or lead.")
    if problem := password_problem(
        password,
        current_app.config["MIN_PASSWORD_LENGTH"],
        personal=(email, name),
        context=(current_app.config["PROGRAM_NAME"],),
    ):
        raise AccountError(problem)
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = User(
        email=email,
        name=name.strip() or email,
        role=Role(role),
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.commit()
    return user


def _valid_email(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
