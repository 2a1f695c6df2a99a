"""Accounts: signing in and out, passwords, roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select

from training.extensions import db, login_manager
from training.models import Role, User

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The id carries the session version: a password change signs out every other session.
        try:
            raw_id, version = user_id.split(":")
            row = db.session.execute(_load_statement(), {"user_id": int(raw_id)}).first()
        except ValueError:
            return None
        if row is None:
            return None
        user, waiting = row
        if str(user.session_version) != version:
            return None
        user.waiting_count = waiting
        return user

    @app.before_request
    def require_new_password():  # type: ignore[no-untyped-def]
        allowed = {"auth.change_password", "auth.logout", "static", "main.healthz"}
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in allowed
        ):
            flash("Please choose your own password before you go on.", "info")
            return redirect(url_for("auth.change_password"))
        return None


@cache
def _load_statement():  # type: ignore[no-untyped-def]
    """The signed-in person and what waits for them, in one query. Built once: every request
    runs it, and SQLAlchemy finds its compiled SQL faster for the same statement object."""
    from training.hours.services import waiting_column

    return select(User, waiting_column()).where(User.id == bindparam("user_id"))


def role_required(*roles: Role) -> Callable[[F], F]:
    """Only signed-in users with one of ``roles`` get through; others get a 403 page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


from training.auth import views  # noqa: E402,F401  (registers the routes on bp)
