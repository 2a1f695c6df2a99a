"""Failures counted and throttled exactly, even when many requests arrive at once.

A wrong password at sign-in and a wrong *current* password on the change-password form count
alike, in the same counters (``password_counters``):

- per client address (``LOGIN_FAILURES_PER_ADDRESS``), whatever the account;
- per account from one address (``LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS``), so a stranger
  elsewhere cannot lock the owner out;
- per account from browsers that never signed in to it, all addresses together
  (``LOGIN_FAILURES_PER_ACCOUNT``): guessing spread over many addresses is stopped, while a
  browser the person signed in from before (``devices``) is counted on its own instead, with
  the per-account-and-address allowance.

Opening a password-reset link that does not work counts per address
(``RESET_LINK_FAILURES_PER_ADDRESS``, ``reset_link_counters``).

How a count stays exact: a request *reserves* one failure in every counter before the check
(one atomic increment in the limiter's storage, memory or Redis), and is refused with 429 if
any counter is then over its allowance. So however many requests run at once, no more checks
happen than the allowance. When the request ends, the reservation is kept only if the check
failed (``failed()``); otherwise (a right password, a form that checked nothing, a refusal) it
is given back, so people who sign in correctly never use anyone's allowance up.

Counting is in fixed windows (one counter per window, keyed as ``limits``'
``FixedWindowRateLimiter`` keys them, whatever ``RATELIMIT_STRATEGY`` says for the other
limits): a window's counter can be given back to. While Redis fails, the counters are this
process's memory (``training.limit_store``): a frozen or stopped Redis costs a sign-in one
short timeout, never a hang or a 500.

A reservation is given back to the store that counted it, and a refusal's wait read there:
never to memory for a failure Redis counted (memory's own count would lose one while Redis
kept a failure that never happened), nor to Redis for one memory counted. When that store is
Redis and it has failed since, the give-back is dropped (logged at debug, never raised): Redis
cannot be told, so that failure may stay counted there until its window ends.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.storage import Storage
from werkzeug.exceptions import TooManyRequests

from training import limit_store
from training.auth import devices
from training.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counter:
    """One count of failures: ``allowance`` names the setting (e.g. "5 per 15 minutes"),
    ``scope`` the kind of count, ``who`` whose failures it counts."""

    allowance: str
    scope: str
    who: str


@dataclass(frozen=True)
class _Reservation:
    """One failure reserved in ``key``'s window of ``expiry`` seconds, and the store that
    counted it (Redis, or this process's memory), the only one it is given back to."""

    key: str
    expiry: int
    store: Storage


def failed() -> None:
    """This request's check failed: keep its reservations (they count as failures)."""
    g.check_failed = True


def password_counters(account: str) -> list[Counter]:
    """The counters a password check against ``account`` (an email address, or "" when no
    account is named) goes to."""
    address = get_remote_address()
    counters = [Counter("LOGIN_FAILURES_PER_ADDRESS", "password-failures-address", address)]
    if not account:
        return counters
    per_address = "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"
    device = devices.known_device(account)
    counters.append(
        Counter(per_address, "password-failures-account-address", f"{account} {address}")
    )
    if device is None:
        counters.append(
            Counter("LOGIN_FAILURES_PER_ACCOUNT", "password-failures-account-new-devices", account)
        )
    else:
        counters.append(
            Counter(per_address, "password-failures-account-device", f"{account} {device}")
        )
    return counters


def reset_link_counters() -> list[Counter]:
    return [Counter("RESET_LINK_FAILURES_PER_ADDRESS", "reset-link-failures", get_remote_address())]


def failures_counted(
    counters: Callable[[], list[Counter]], message: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[[F], F]:
    """Throttle a view's failed checks: before the view runs, reserve a failure in each of
    ``counters()`` (429 with ``message`` if one is used up); the view calls ``failed()`` when
    its check fails, and every other outcome gives the reservations back."""

    def decorator(view: F) -> F:
        @wraps(view)
        def counted(*args: Any, **kwargs: Any) -> Any:
            if request.method not in methods or not limiter.enabled:
                return view(*args, **kwargs)
            held = _reserve(counters(), message)
            g.check_failed = False
            try:
                return view(*args, **kwargs)
            finally:
                if not g.check_failed:
                    _give_back(held)

        return counted  # type: ignore[return-value]

    return decorator


def _reserve(counters: list[Counter], message: str) -> list[_Reservation]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    held: list[_Reservation] = []
    for counter in counters:
        for item in parse_many(current_app.config[counter.allowance]):
            identifiers = (
                (prefix, counter.who, counter.scope) if prefix else (counter.who, counter.scope)
            )
            key, expiry = item.key_for(*identifiers), item.get_expiry()
            count, store = limit_store.counted_incr(key, expiry)
            held.append(_Reservation(key, expiry, store))
            if count > item.amount:
                retry_after = _seconds_left(held[-1])
                _give_back(held)
                raise TooManyRequests(message, retry_after=retry_after)
    return held


def _seconds_left(reservation: _Reservation) -> int:
    """Until the window of ``reservation`` ends, as the store that counted it says; the
    whole window when that store (Redis) does not answer now."""
    try:
        reset = limit_store.in_store(reservation.store, "get_expiry", reservation.key)
    except limit_store.StoreFailed:
        return reservation.expiry
    return max(1, math.ceil(float(reset) - time.time()))


def _give_back(held: list[_Reservation]) -> None:
    for reservation in held:
        key, expiry, store = reservation.key, reservation.expiry, reservation.store
        try:
            left = int(limit_store.in_store(store, "incr", key, expiry, -1))
            if left < 0:  # the window ended meanwhile: the next one starts from nothing
                limit_store.in_store(store, "incr", key, expiry, -left)
        except limit_store.StoreFailed as error:
            log.debug("A reserved failure stays counted until its window ends: %s.", error)
