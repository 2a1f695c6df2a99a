"""Where the sign-in and verification limits count, and what they do when Redis fails.

The limits count in ``RATELIMIT_STORAGE_URI``: ``memory://`` (one process's memory) or Redis
(shared by every worker and server). Redis is reached with short timeouts and no retries
(``RATELIMIT_STORAGE_OPTIONS``: 0.5 s to connect, 0.5 s for an answer), so a frozen Redis
(SIGSTOP, a network that drops packets) costs a request one timeout and a stopped one a refused
connection: never a hang, never a 500.

While Redis fails, every limit counts in this process's memory instead: sign-in and
verification keep working with their usual answers and their limits, exact within each
process (with N processes a client may get up to N times an allowance until Redis is back).

- The route limits (the verification limit) use Flask-Limiter's in-memory fallback
  (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``), which looks at Redis again after 1, 2, 4 … 32 s.
- The failure counters of ``training.auth.throttle``, which it reserves and gives back in the
  storage directly, count in ``counting_storage()``: the same fallback, which looks at Redis
  again every ``RETRY_SECONDS`` (one request looks; the others meanwhile count in memory).

The log says so once per outage, not once per request: an ERROR when Redis stops answering
and a WARNING when it answers again (``training.limit_store``; Flask-Limiter also logs its
own warning to the ``flask-limiter`` logger). ``limit_store_status()`` tells ``/healthz``.
Counts made in memory during an outage stay there: back on Redis, counting goes on from
Redis's own counts.

A count is read and given back in the store that made it, never in the other one:
``counted_incr`` says which store counted, and ``in_store`` asks that store again (a failure
reserved in Redis and given back after Redis failed is not taken off memory's count, nor one
reserved in memory off Redis's). When that store is Redis and it does not answer,
``in_store`` raises ``StoreFailed`` instead of asking memory.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage

from training.extensions import limiter

log = logging.getLogger(__name__)

#: seconds between two looks at a store that failed; each look costs at most one timeout
RETRY_SECONDS = 5.0

_EXTENSION = "limit_store"
_creating = threading.Lock()


class StoreFailed(Exception):
    """The store asked (Redis) does not answer, now or within ``RETRY_SECONDS`` of failing."""


class FallbackStorage(Storage):
    """``primary`` (Redis), or this process's memory while ``primary`` fails."""

    def __init__(self, primary: Storage, where: str) -> None:
        super().__init__()
        self.primary = primary
        self.memory = MemoryStorage()
        self.where = where
        self.failing = False
        self._retry_at = 0.0
        self._lock = threading.Lock()
        base = primary.base_exceptions
        self._errors = (StorageError, OSError, *(base if isinstance(base, tuple) else (base,)))

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return ()  # its failures are answered from memory, never raised

    def _use_primary(self) -> bool:
        """Whether this call goes to ``primary``: always while it answers; while it fails,
        once every ``RETRY_SECONDS`` (the caller that looks holds the others off)."""
        if not self.failing:
            return True
        with self._lock:
            now = time.monotonic()
            if not self.failing or now >= self._retry_at:
                self._retry_at = now + RETRY_SECONDS
                return True
            return False

    def _failed(self, error: object) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            if self.failing:
                return
            self.failing = True
        log.error(
            "The rate-limit store %s is unavailable (%s): sign-in and verification limits "
            "count in each process's memory until it answers again (looked at every %g s).",
            self.where,
            error,
            RETRY_SECONDS,
        )

    def _answered(self) -> None:
        if not self.failing:
            return
        with self._lock:
            if not self.failing:
                return
            self.failing = False
        log.warning(
            "The rate-limit store %s answers again: the limits count in it again.", self.where
        )

    def exactly(self, store: Storage, method: str, *args: Any) -> Any:
        """``method`` of ``store`` (``primary`` or ``memory``), never of the other one:
        ``StoreFailed`` when ``store`` is ``primary`` and it fails, or failed less than
        ``RETRY_SECONDS`` ago."""
        if store is not self.primary:
            return getattr(store, method)(*args)
        if not self._use_primary():
            raise StoreFailed(f"{self.where} is unavailable")
        try:
            result = getattr(self.primary, method)(*args)
        except self._errors as error:
            self._failed(error)
            raise StoreFailed(f"{self.where} is unavailable ({error})") from error
        self._answered()
        return result

    def _answer(self, method: str, *args: Any) -> tuple[Storage, Any]:
        """The store that answered (``primary``, else ``memory``) and its answer."""
        try:
            return self.primary, self.exactly(self.primary, method, *args)
        except StoreFailed:
            return self.memory, getattr(self.memory, method)(*args)

    def _call(self, method: str, *args: Any) -> Any:
        return self._answer(method, *args)[1]

    def incr_counted(self, key: str, expiry: float, amount: int = 1) -> tuple[int, Storage]:
        """``incr``, and the store that counted (``primary`` or ``memory``)."""
        store, count = self._answer("incr", key, expiry, amount)
        return int(count), store

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        return self.incr_counted(key, expiry, amount)[0]

    def get(self, key: str) -> int:
        return int(self._call("get", key))

    def get_expiry(self, key: str) -> float:
        return float(self._call("get_expiry", key))

    def clear(self, key: str) -> None:
        self._call("clear", key)

    def reset(self) -> int | None:
        return self._call("reset")  # type: ignore[no-any-return]

    def check(self) -> bool:
        """Whether ``primary`` answers; while it fails, False without asking it again before
        ``RETRY_SECONDS`` have passed."""
        if not self._use_primary():
            return False
        if self.primary.check():
            self._answered()
            return True
        self._failed("no answer to PING")
        return False


def counting_storage() -> Storage:
    """The storage the current app's own counters use: the limiter's, with the fallback above
    when that is not this process's memory already."""
    primary = limiter.storage
    if isinstance(primary, MemoryStorage):
        return primary
    store = current_app.extensions.get(_EXTENSION)
    if store is None or store.primary is not primary:
        with _creating:
            store = current_app.extensions.get(_EXTENSION)
            if store is None or store.primary is not primary:
                store = FallbackStorage(primary, _where(current_app.config))
                current_app.extensions[_EXTENSION] = store
    return store  # type: ignore[no-any-return]


def counted_incr(key: str, expiry: float, amount: int = 1) -> tuple[int, Storage]:
    """Add ``amount`` to ``key``'s count in ``counting_storage()``: the count, and the store
    that counted it (Redis, or this process's memory). Whatever is read of that count or given
    back to it afterwards goes to that store, with ``in_store``."""
    storage = counting_storage()
    if isinstance(storage, FallbackStorage):
        return storage.incr_counted(key, expiry, amount)
    return storage.incr(key, expiry, amount), storage


def in_store(store: Storage, method: str, *args: Any) -> Any:
    """``method`` of ``store``, a store from ``counted_incr``, never of the other one:
    ``StoreFailed`` when ``store`` is Redis and it does not answer (within one timeout, or at
    once while its outage is known)."""
    storage = counting_storage()
    if isinstance(storage, FallbackStorage):
        return storage.exactly(store, method, *args)
    return getattr(store, method)(*args)


def limit_store_status() -> str:
    """How the limits count, for ``/healthz`` (inside an app context):

    - ``"ok"``: in the configured Redis, which answers;
    - ``"memory"``: in this process's memory, as configured (``memory://``);
    - ``"unavailable"``: Redis does not answer, so each process counts in its own memory.

    Answers within one Redis timeout (0.5 s by default) even when Redis is frozen, and at once
    while an outage is known (Redis is asked again every ``RETRY_SECONDS``)."""
    storage = counting_storage()
    if isinstance(storage, MemoryStorage):
        return "memory"
    return "ok" if storage.check() else "unavailable"


def _where(config: Any) -> str:
    """The store's address for the log, without its password."""
    parts = urlsplit(str(config.get("RATELIMIT_STORAGE_URI") or ""))
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"
