"""Timeouts for PostgreSQL: a server that is down, slow or frozen costs a request seconds.

Four limits, each a setting (``training.config``):

- connecting: psycopg's ``connect_timeout`` (``DATABASE_CONNECT_TIMEOUT``, at least 1 s; libpq
  waits at least 2), for every connection, commands included;
- a statement: PostgreSQL's ``statement_timeout`` (``DATABASE_STATEMENT_TIMEOUT``): the server
  cancels a query that runs longer, and the request gets the "busy" page;
- an answer: a frozen server (stopped with SIGSTOP, a hung virtual machine) never cancels
  anything, and its kernel still acknowledges every packet, so neither TCP keepalives nor
  libpq's ``tcp_user_timeout`` ever fire, and psycopg has no public per-query timeout. So the
  client gives up itself: a waiting statement, commit or rollback that has had no answer after
  the statement timeout plus ``ANSWER_MARGIN`` (the pool's ping: after ``PING_DEADLINE``) has
  its socket shut down by one watchdog thread per process; psycopg then raises
  OperationalError, SQLAlchemy sees a broken connection and drops it, and the pool opens a new
  one for the next request;
- a free connection: the pool's ``pool_timeout`` (``DATABASE_POOL_TIMEOUT``).

The statement timeout and the answer deadline apply to web work only: the whole WSGI call,
teardown included (Flask runs ``teardown_appcontext`` after the request context is gone, and
the read-only COMMIT of ``training.transactions`` and the session's ROLLBACK run there).
Commands (``flask db upgrade``, backups, loading demo data) and other work outside a request
run without them, so a long migration is never cut off. A pooled connection is switched with
one ``SET statement_timeout`` when it moves between the two, which happens only in tests: a
web worker's connections are always used in requests.

Every blocking wait of psycopg's sync connection goes through ``Connection.wait``; the
connection class here marks the wait in the watchdog's table before it and clears it after.
SQLite has nothing to freeze: it keeps its busy timeout (``training.extensions``) and none of
this applies.

/healthz asks the database on a connection of its own (``DatabaseHealth``), so a busy pool
never fails the check and a check cut by the watchdog never drops the site's connections.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from flask import Flask, has_request_context
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from training.extensions import db

log = logging.getLogger(__name__)

#: seconds a frozen server gets beyond the statement timeout before the client gives up: the
#: server cancels a long statement itself at the timeout, so only a server that no longer
#: answers at all reaches this
ANSWER_MARGIN = 2.0
#: seconds the pool's ping before each request's first statement waits at most (in web work):
#: ``SELECT 1`` on an idle connection, so a server that does not answer it in this long is
#: treated as gone, and a frozen one costs the first request this, not the answer deadline
PING_DEADLINE = 1.5
#: seconds /healthz gives the database
HEALTH_CHECK_SECONDS = 1.0
#: how often the watchdog looks for waits past their deadline, in seconds
WATCH_INTERVAL = 0.2
#: key in a pooled connection's ``info``: the statement timeout it runs with, in milliseconds
STATEMENT_TIMEOUT = "training.statement_timeout_ms"
#: key in ``app.extensions``: the app's ``DatabaseHealth``
HEALTH = "training.database_health"
#: attribute set on a psycopg error raised by a COMMIT that got no answer
COMMIT_UNCONFIRMED = "training_commit_unconfirmed"

_local = threading.local()


def engine_options(config: Any) -> dict[str, Any]:
    """Engine options for a PostgreSQL URL: how long a request waits for a free connection."""
    return {"pool_timeout": seconds_setting(config, "DATABASE_POOL_TIMEOUT")}


def seconds_setting(config: Any, key: str, *, zero: bool = True) -> float:
    """A timeout setting: a number of seconds, 0 or more (more than 0 when not ``zero``)."""
    try:
        value = float(config[key])
    except (TypeError, ValueError):
        value = -1.0
    if not (value >= 0 if zero else value > 0):  # also refuses NaN
        least = "0 or more" if zero else "more than 0"
        raise ValueError(f"FLASK_{key} must be a number of seconds ({least}): {config[key]!r}")
    return value


@dataclass(frozen=True)
class Limits:
    """The limits of ``init_app``, from the settings."""

    #: seconds a connection may take to open (libpq waits at least 2)
    connect_timeout: int
    #: the server's statement timeout in web work, in milliseconds; 0: none
    statement_timeout_ms: int
    #: seconds to wait for any one answer in web work; None: as long as it takes
    answer_deadline: float | None

    @classmethod
    def of(cls, config: Any) -> Limits:
        # 0 would let a connection to a frozen server wait forever (and /healthz's checks
        # pile up): the connect timeout is the one limit the watchdog cannot stand in for
        connect = math.ceil(seconds_setting(config, "DATABASE_CONNECT_TIMEOUT", zero=False))
        statement = seconds_setting(config, "DATABASE_STATEMENT_TIMEOUT")
        deadline = statement + ANSWER_MARGIN if statement > 0 else None
        return cls(connect, round(statement * 1000), deadline)

    @property
    def ping_deadline(self) -> float | None:
        return None if self.answer_deadline is None else min(self.answer_deadline, PING_DEADLINE)


def init_app(app: Flask) -> None:
    """On PostgreSQL, connect with these limits; on SQLite, only the health check's engine."""
    with app.app_context():
        engine = db.engine
    limits = Limits.of(app.config) if engine.dialect.name == "postgresql" else None
    if limits is not None:
        _limit(engine, limits)
        app.wsgi_app = _as_web_work(app.wsgi_app)  # type: ignore[method-assign]
    app.extensions[HEALTH] = DatabaseHealth(_health_engine(app, engine, limits))


def _limit(engine: Engine, limits: Limits) -> None:
    @event.listens_for(engine, "do_connect")
    def connect(_dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        params = dict(cparams)  # the engine's own on SQLAlchemy 2.0: never change it
        params.setdefault("connect_timeout", limits.connect_timeout)
        timeout_ms = limits.statement_timeout_ms if _in_web_work() else 0
        if timeout_ms:  # set while connecting: no round trip of its own
            params["options"] = f"{params.get('options', '')} -c statement_timeout={timeout_ms}"
            params["options"] = params["options"].strip()
        connection = DeadlineConnection.connect(*cargs, **params)
        connection.answer_deadline = limits.answer_deadline
        record.info[STATEMENT_TIMEOUT] = timeout_ms
        return connection

    @event.listens_for(engine, "checkout")
    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        wanted = limits.statement_timeout_ms if _in_web_work() else 0
        if record.info.get(STATEMENT_TIMEOUT) != wanted:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"SET statement_timeout = {int(wanted)}")
            finally:
                cursor.close()
            dbapi_connection.commit()
            record.info[STATEMENT_TIMEOUT] = wanted

    ping = engine.dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        seconds = limits.ping_deadline
        if seconds is None or not _in_web_work():
            return ping(dbapi_connection)
        with answers_within(min(seconds, getattr(_local, "deadline", None) or seconds)):
            return ping(dbapi_connection)

    engine.dialect.do_ping = do_ping  # type: ignore[method-assign]


def _as_web_work(wsgi_app: Any) -> Any:
    """The WSGI app, marking the whole call as web work in its thread."""

    def web_work(environ: Any, start_response: Any) -> Any:
        outer = getattr(_local, "web", False)
        _local.web = True
        try:
            return wsgi_app(environ, start_response)
        finally:
            _local.web = outer

    return web_work


def _in_web_work() -> bool:
    return (
        getattr(_local, "web", False)
        or has_request_context()
        or getattr(_local, "deadline", None) is not None
    )


@contextmanager
def answers_within(seconds: float) -> Iterator[None]:
    """In this thread, give up on any database answer after ``seconds`` (and count as web
    work: the statement timeout applies). For checks that must answer quickly (/healthz)."""
    outer = getattr(_local, "deadline", None)
    _local.deadline = seconds
    try:
        yield
    finally:
        _local.deadline = outer


def commit_unconfirmed(error: BaseException | None) -> bool:
    """Whether ``error`` (a driver's) ended a COMMIT that got no answer: the server may have
    committed it or not."""
    return bool(getattr(error, COMMIT_UNCONFIRMED, False))


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose waits for the server end at a deadline, in web work."""

    #: seconds to wait for any one answer in web work; None waits as long as it takes
    answer_deadline: float | None = None

    def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        seconds = getattr(_local, "deadline", None)
        if seconds is None and _in_web_work():
            seconds = self.answer_deadline
        if seconds is None:
            return super().wait(gen, *args, **kwargs)
        token = watchdog.watch(self, seconds)
        try:
            return super().wait(gen, *args, **kwargs)
        finally:
            watchdog.forget(token)

    def commit(self) -> None:
        was_open = not self.closed
        try:
            super().commit()
        except psycopg.OperationalError as error:
            # No SQLSTATE: no answer from the server (cut by the watchdog, connection lost),
            # which may have committed before it went; with one, it refused and rolled back.
            if was_open and error.sqlstate is None:
                setattr(error, COMMIT_UNCONFIRMED, True)
            raise


class Watchdog:
    """One daemon thread per process that shuts down the socket of a connection whose wait is
    past its deadline; started on the first wait it watches (in a forked worker too).

    One lock guards the table: a wait's socket is shut down only while its entry is still in
    the table, so its owner is still inside ``wait`` or blocked in ``forget`` and cannot have
    closed the connection (nor the system given its file descriptor to another)."""

    def __init__(self) -> None:
        self._forked()
        os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        """A forked child (a gunicorn worker) has the table but not the thread."""
        self._waits: dict[int, tuple[float, psycopg.Connection]] = {}
        self._lock = threading.Lock()
        self._tokens = itertools.count()
        self._running = False

    def watch(self, connection: psycopg.Connection, seconds: float) -> int:
        """Watch a wait that starts now; the token is ``forget``'s."""
        with self._lock:
            if not self._running:
                threading.Thread(target=self._run, name="database-watchdog", daemon=True).start()
                self._running = True
            token = next(self._tokens)
            self._waits[token] = (time.monotonic() + seconds, connection)
        return token

    def forget(self, token: int) -> None:
        """The wait has ended (waits while its connection's socket is being shut down)."""
        with self._lock:
            self._waits.pop(token, None)

    def scan(self) -> int:
        """Shut down the sockets of the waits past their deadline; how many."""
        now = time.monotonic()
        cut = 0
        with self._lock:
            for token, (deadline, connection) in list(self._waits.items()):
                if deadline <= now:
                    del self._waits[token]
                    cut += _shut_down(connection)
        return cut

    def _run(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            try:
                cut = self.scan()
            except Exception:  # never die: every later wait would go unwatched
                log.exception("The database watchdog failed to scan; it keeps watching.")
                continue
            for _ in range(cut):
                log.error(
                    "The database gave no answer within the deadline: connection dropped (the "
                    "server may be frozen or unreachable)."
                )


def _shut_down(connection: psycopg.Connection) -> bool:
    """End the connection's socket under psycopg's wait, which then fails at once with
    "server closed the connection unexpectedly"; the file descriptor stays psycopg's."""
    try:
        fd = connection.pgconn.socket
        with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as copy:
            copy.shutdown(socket.SHUT_RDWR)
    except (OSError, psycopg.Error):
        return False  # closed meanwhile: nothing waits on it any more
    return True


watchdog = Watchdog()


def _health_engine(app: Flask, engine: Engine, limits: Limits | None) -> Engine:
    """An engine for /healthz alone: the app's database and connect arguments, a new
    connection for each check (no pool to wait for or to drop), and on PostgreSQL the same
    limits."""
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    connect_args = dict(options.get("connect_args") or {})
    health = create_engine(engine.url, poolclass=NullPool, connect_args=connect_args)
    if limits is not None:
        _limit(health, limits)
    return health


def database_health(app: Flask) -> DatabaseHealth:
    return app.extensions[HEALTH]


class DatabaseHealth:
    """Whether the database answers, for /healthz: at most one check in flight per process,
    so while the database is frozen the checks' threads never pile up; a request that comes
    while one runs waits for that one's answer, as long as it would wait for its own (a check
    that began during a freeze answers once the server thaws: the next request hears it).
    """

    def __init__(self, engine: Engine, seconds: float = HEALTH_CHECK_SECONDS) -> None:
        self.engine = engine
        self.seconds = seconds
        self._start()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._check: DatabaseCheck | None = None

    def ask(self) -> Asked:
        """The check in flight, or a new one, with how long this request waits for it."""
        if self._pid != os.getpid():  # a forked worker: a check in flight is the parent's
            self._start()
        with self._lock:
            if self._check is None or self._check.done():
                self._check = DatabaseCheck(self.engine, self.seconds)
            return Asked(self._check, time.monotonic() + self.seconds + 0.5)


@dataclass(frozen=True)
class Asked:
    """One request's question: ``check``'s answer, waited for until ``until``."""

    check: DatabaseCheck
    until: float

    def answered(self) -> bool:
        return self.check.answered(self.until)


class DatabaseCheck:
    """``SELECT 1`` in a thread of its own, so the caller waits at most ``seconds`` (plus a
    little) for the answer however the database fails: /healthz must answer a load balancer
    quickly even when the server is frozen or a new connection takes its connect timeout."""

    def __init__(self, engine: Engine, seconds: float) -> None:
        self.seconds = seconds
        self._answered = False
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._ask, args=(engine,), name="database-check", daemon=True
        )
        self._thread.start()

    def _ask(self, engine: Engine) -> None:
        try:
            with answers_within(self.seconds), engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            self._answered = True
        except Exception as error:  # any failure means the database does not answer
            log.warning("Health check: the database does not answer: %s", error)
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def answered(self, until: float) -> bool:
        """Whether the database answered, waiting for it until ``until`` (monotonic)."""
        return self._done.wait(max(0.0, until - time.monotonic())) and self._answered
