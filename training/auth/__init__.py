"""Accounts: signing in and out, passwords, roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from flask_login import current_user

from training.extensions import login_manager
from training.models import Role, User

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    from training.auth import login_sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The id is the token of one sign-in: signing out ends it, and with it every copy of
        # the session and remember cookies that carry it (see ``login_sessions``).
        return login_sessions.load(user_id)

    @app.before_request
    def require_new_password():  # type: ignore[no-untyped-def]
        allowed = {"auth.change_password", "auth.logout", "static", "main.healthz"}
        # the endpoint first: /healthz and static files never load the person from the database
        if (
            request.endpoint not in allowed
            and current_user.is_authenticated
            and current_user.must_change_password
        ):
            flash("Please choose your own password before you go on.", "info")
            return redirect(url_for("auth.change_password"))
        return None


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


from training.auth import forgot, views  # noqa: E402,F401  (registers the routes on bp)
