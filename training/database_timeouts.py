"""Timeouts for PostgreSQL: a server that is down, slow or frozen costs a request seconds.

Four limits, each a setting (``training.config``):

- connecting: psycopg's ``connect_timeout`` (``DATABASE_CONNECT_TIMEOUT``), for every
  connection, commands included;
- a statement: PostgreSQL's ``statement_timeout`` (``DATABASE_STATEMENT_TIMEOUT``): the server
  cancels a query that runs longer, and the request gets the "busy" page;
- an answer: a frozen server (stopped with SIGSTOP, a hung virtual machine) never cancels
  anything, and its kernel still acknowledges every packet, so neither TCP keepalives nor
  libpq's ``tcp_user_timeout`` ever fire, and psycopg has no public per-query timeout. So the
  client gives up itself: a waiting statement, commit, rollback or the pool's ping that has had
  no answer after the statement timeout plus ``ANSWER_MARGIN`` has its socket shut down by one
  watchdog thread per process; psycopg then raises OperationalError, SQLAlchemy sees a broken
  connection and drops it, and the pool opens a new one for the next request;
- a free connection: the pool's ``pool_timeout`` (``DATABASE_POOL_TIMEOUT``).

The statement timeout and the answer deadline apply to web requests only: commands
(``flask db upgrade``, backups, loading demo data) and other work outside a request run
without them, so a long migration is never cut off. A pooled connection is switched with one
``SET statement_timeout`` when it moves between the two, which happens only in tests: a web
worker's connections are always used in requests.

Every blocking wait of psycopg's sync connection goes through ``Connection.wait``; the
connection class here marks the wait in the watchdog's table before it and clears it after
(two dictionary operations per round trip). SQLite has nothing to freeze: it keeps its
busy timeout (``training.extensions``) and none of this applies.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from flask import Flask, has_request_context
from sqlalchemy import event

from training.extensions import db

log = logging.getLogger(__name__)

#: seconds a frozen server gets beyond the statement timeout before the client gives up: the
#: server cancels a long statement itself at the timeout, so only a server that no longer
#: answers at all reaches this
ANSWER_MARGIN = 2.0
#: how often the watchdog looks for waits past their deadline, in seconds
WATCH_INTERVAL = 0.2
#: key in a pooled connection's ``info``: the statement timeout it runs with, in milliseconds
STATEMENT_TIMEOUT = "training.statement_timeout_ms"

_local = threading.local()


def engine_options(config: Any) -> dict[str, Any]:
    """Engine options for a PostgreSQL URL: how long a request waits for a free connection."""
    return {"pool_timeout": seconds_setting(config, "DATABASE_POOL_TIMEOUT")}


def seconds_setting(config: Any, key: str) -> float:
    """A timeout setting: a number of seconds, 0 or more."""
    try:
        value = float(config[key])
    except (TypeError, ValueError):
        value = -1.0
    if not value >= 0:  # also refuses NaN
        raise ValueError(f"FLASK_{key} must be a number of seconds (0 or more): {config[key]!r}")
    return value


def init_app(app: Flask) -> None:
    """On PostgreSQL, connect with these limits; on SQLite, do nothing."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    connect_timeout = math.ceil(seconds_setting(app.config, "DATABASE_CONNECT_TIMEOUT"))
    statement_seconds = seconds_setting(app.config, "DATABASE_STATEMENT_TIMEOUT")
    web_timeout_ms = round(statement_seconds * 1000)
    answer_deadline = statement_seconds + ANSWER_MARGIN if statement_seconds > 0 else None

    @event.listens_for(engine, "do_connect")
    def connect(_dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        if connect_timeout > 0:
            cparams.setdefault("connect_timeout", connect_timeout)
        timeout_ms = web_timeout_ms if _in_web_request() else 0
        if timeout_ms:  # set while connecting: no round trip of its own
            options = f"{cparams.get('options', '')} -c statement_timeout={timeout_ms}"
            cparams["options"] = options.strip()
        connection = DeadlineConnection.connect(*cargs, **cparams)
        connection.answer_deadline = answer_deadline
        record.info[STATEMENT_TIMEOUT] = timeout_ms
        return connection

    @event.listens_for(engine, "checkout")
    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        wanted = web_timeout_ms if _in_web_request() else 0
        if record.info.get(STATEMENT_TIMEOUT) != wanted:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"SET statement_timeout = {int(wanted)}")
            finally:
                cursor.close()
            dbapi_connection.commit()
            record.info[STATEMENT_TIMEOUT] = wanted


def _in_web_request() -> bool:
    return has_request_context() or getattr(_local, "deadline", None) is not None


@contextmanager
def answers_within(seconds: float) -> Iterator[None]:
    """In this thread, give up on any database answer after ``seconds`` (and count as a web
    request: the statement timeout applies). For checks that must answer quickly (/healthz)."""
    _local.deadline = seconds
    try:
        yield
    finally:
        _local.deadline = None


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose waits for the server end at a deadline, in web requests."""

    #: seconds to wait for any one answer in a web request; None waits as long as it takes
    answer_deadline: float | None = None

    def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        seconds = getattr(_local, "deadline", None)
        if seconds is None and has_request_context():
            seconds = self.answer_deadline
        if seconds is None:
            return super().wait(gen, *args, **kwargs)
        key = watchdog.watch(self, seconds)
        try:
            return super().wait(gen, *args, **kwargs)
        finally:
            watchdog.forget(key)


class Watchdog:
    """One daemon thread per process that shuts down the socket of a connection whose wait is
    past its deadline; started on the first wait it watches (in a forked worker too)."""

    def __init__(self) -> None:
        self._waits: dict[int, tuple[float, psycopg.Connection]] = {}
        self._running = False
        self._start_lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forked)

    def watch(self, connection: psycopg.Connection, seconds: float) -> int:
        if not self._running:
            self._start()
        key = id(connection)
        self._waits[key] = (time.monotonic() + seconds, connection)
        return key

    def forget(self, key: int) -> None:
        self._waits.pop(key, None)

    def _forked(self) -> None:
        """A forked child (a gunicorn worker) has the table but not the thread."""
        self._waits = {}
        self._running = False
        self._start_lock = threading.Lock()

    def _start(self) -> None:
        with self._start_lock:
            if not self._running:
                threading.Thread(target=self._run, name="database-watchdog", daemon=True).start()
                self._running = True

    def _run(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            for key, (deadline, connection) in list(self._waits.items()):
                if deadline <= now and self._waits.get(key, (0, None))[1] is connection:
                    self._waits.pop(key, None)
                    _shut_down(connection)


def _shut_down(connection: psycopg.Connection) -> None:
    """End the connection's socket under psycopg's wait, which then fails at once with
    "server closed the connection unexpectedly"; the file descriptor stays psycopg's."""
    try:
        fd = connection.pgconn.socket
        with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as copy:
            copy.shutdown(socket.SHUT_RDWR)
    except (OSError, psycopg.Error):
        return  # closed meanwhile: nothing waits on it any more
    log.error(
        "The database gave no answer within the deadline: connection dropped (the server may "
        "be frozen or unreachable)."
    )


watchdog = Watchdog()


class DatabaseCheck:
    """``SELECT 1`` in a thread of its own, so the caller waits at most ``seconds`` (plus a
    little) for the answer however the database fails: /healthz must answer a load balancer
    quickly even when the server is frozen or a new connection takes its connect timeout."""

    def __init__(self, engine: Any, seconds: float) -> None:
        self.seconds = seconds
        self._answered = False
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._ask, args=(engine,), name="database-check", daemon=True
        )
        self._thread.start()

    def _ask(self, engine: Any) -> None:
        try:
            with answers_within(self.seconds), engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            self._answered = True
        except Exception as error:  # any failure means the database does not answer
            log.warning("Health check: the database does not answer: %s", error)
        finally:
            self._done.set()

    def answered(self) -> bool:
        """Whether the database answered, waiting for it at most ``seconds`` more and a half."""
        return self._done.wait(self.seconds + 0.5) and self._answered
