"""Failed password checks, counted and throttled (Flask-Limiter, in its configured storage).

A wrong password at sign-in and a wrong *current* password on the change-password form count
alike, in the same counters:

- per client address (``LOGIN_FAILURES_PER_ADDRESS``), whatever the account;
- per account from one address (``LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS``), so a stranger
  elsewhere cannot lock the owner out;
- per account from browsers that never signed in to it, all addresses together
  (``LOGIN_FAILURES_PER_ACCOUNT``): guessing spread over many addresses is stopped, while a
  browser the person signed in from before (``devices``) is counted on its own instead, with
  the per-account-and-address allowance.

Only failures count (``failed()`` marks one); a refused attempt gets 429 with Retry-After.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g
from flask_limiter.util import get_remote_address

from training.auth import devices
from training.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])


def failed() -> None:
    """Count this request's password check as a failure (once the answer is sent)."""
    g.password_failed = True


def _counts(response: Any) -> bool:
    return bool(g.get("password_failed"))


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def failures_counted(account: Callable[[], str], message: str) -> Callable[[F], F]:
    """Throttle a view's failed password checks; ``account`` gives the email address they are
    against (empty: nothing to count), ``message`` what a refused person reads."""

    def known() -> str | None:
        return devices.known_device(account())

    common: dict[str, Any] = {
        "methods": ["POST"],
        "deduct_when": _counts,
        "error_message": message,
    }
    limits = [
        limiter.shared_limit(
            _setting("LOGIN_FAILURES_PER_ADDRESS"),
            scope="password-failures-address",
            key_func=get_remote_address,
            **common,
        ),
        limiter.shared_limit(
            _setting("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"),
            scope="password-failures-account-address",
            key_func=lambda: f"{account()} {get_remote_address()}",
            exempt_when=lambda: not account(),
            **common,
        ),
        limiter.shared_limit(
            _setting("LOGIN_FAILURES_PER_ACCOUNT"),
            scope="password-failures-account-new-devices",
            key_func=account,
            exempt_when=lambda: not account() or known() is not None,
            **common,
        ),
        limiter.shared_limit(
            _setting("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"),
            scope="password-failures-account-device",
            key_func=lambda: f"{account()} {known()}",
            exempt_when=lambda: not account() or known() is None,
            **common,
        ),
    ]

    def decorator(view: F) -> F:
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorator
