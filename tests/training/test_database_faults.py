"""A PostgreSQL that hangs (SIGSTOP), is down, or runs a query too long never hangs the site:
each request gets the friendly 503 page within seconds, /healthz says the database is
unavailable within about a second, and the site works again as soon as the server answers.

The tests start a PostgreSQL server of their own (initdb into a temporary folder, a free port)
and freeze, thaw and stop it; the shared one on 5432 is never touched. The deadlines only
detect hangs (a frozen server used to hold a request for as long as it stayed frozen); the
tests assert what a person sees. The last tests check the pieces (the watchdog, the connect
arguments, the settings) without a server.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from certificates.codes import format_code, new_code
from tests.helpers import app_config, make_user, sign_in, text_of, use_app, within
from training import create_app, database_timeouts
from training.database_timeouts import DeadlineConnection, Watchdog, answers_within
from training.extensions import db

BIN = Path("/usr/lib/postgresql/15/bin")
#: a PostgreSQL URL for the tests that never connect
UNREACHABLE_URL = "postgresql://postgres@127.0.0.1:9/none"
HANG = 15.0  # seconds: a request that takes longer is hung, not slow
#: the settings under test, short so a frozen server costs each test seconds
TIMEOUTS = {
    "DATABASE_STATEMENT_TIMEOUT": 1,
    "DATABASE_CONNECT_TIMEOUT": 2,
    "DATABASE_POOL_TIMEOUT": 2,
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """A PostgreSQL server of the tests' own, which a test can freeze, thaw, stop and restart.

    Run as the ``postgres`` user when the tests run as root (the server refuses root)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pg-faults-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.process: subprocess.Popen | None = None
        self.as_user: dict[str, Any] = {}
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_user = {"user": "postgres", "group": "postgres", "extra_groups": []}

    def init(self) -> None:
        subprocess.run(
            [str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
            timeout=120,
            **self.as_user,
        )

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(str(BIN / "postgres"), "-D", str(self.data), "-p", str(self.port)),
                *("-k", str(self.folder), "-c", "listen_addresses=127.0.0.1"),
                *("-c", "fsync=off"),  # a killed server loses nothing: the OS has the writes
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **self.as_user,
        )
        deadline = time.monotonic() + HANG * 2
        while time.monotonic() < deadline:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start on port {self.port}")

    def _pids(self) -> list[int]:
        """The postmaster and its children (each backend is a session of its own, so the
        postmaster's process group does not hold them)."""
        assert self.process is not None
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def _signal(self, number: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for pid in self._pids():  # the postmaster first: it starts no new backend once stopped
            with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                os.kill(pid, number)

    def freeze(self) -> None:
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.thaw()
        self._signal(signal.SIGKILL)  # as if the machine died: no goodbye to the clients
        self.process.wait(timeout=HANG)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    if not (BIN / "postgres").exists():
        pytest.skip("needs the PostgreSQL 15 server binaries")
    server = PostgresServer()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def running(server: PostgresServer) -> Iterator[PostgresServer]:
    """The server, answering; thawed or started again after the test whatever it did."""
    if server.process is None:
        server.start()
    try:
        yield server
    finally:
        server.thaw()
        if server.process is None:
            server.start()


@pytest.fixture
def site(running: PostgresServer):  # type: ignore[no-untyped-def]
    """The app on the test's own server, with a trainee signed in to its test client."""
    yield from _site(running, TIMEOUTS)


@pytest.fixture
def patient_site(running: PostgresServer):  # type: ignore[no-untyped-def]
    """The same, with a statement timeout longer than a test waits for an answer."""
    yield from _site(running, TIMEOUTS | {"DATABASE_STATEMENT_TIMEOUT": 30})


def _site(running: PostgresServer, timeouts: dict[str, Any]) -> Iterator[tuple[Any, Any]]:
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=running.url, **timeouts))

    @app.route("/slow")
    def slow():  # type: ignore[no-untyped-def]
        db.session.execute(text("SELECT pg_sleep(30)"))
        return "finished"

    @app.route("/read-then-freeze")
    def read_then_freeze():  # type: ignore[no-untyped-def]
        db.session.execute(text("SELECT 1"))
        running.freeze()  # the COMMIT or ROLLBACK that ends the request gets no answer
        return "read"

    @app.route("/save-while-frozen")
    def save_while_frozen():  # type: ignore[no-untyped-def]
        db.session.execute(text("CREATE TEMPORARY TABLE saved (id int)"))
        running.freeze()  # the COMMIT gets no answer: it may or may not have happened
        db.session.commit()
        return "saved"

    @app.route("/backend")
    def backend():  # type: ignore[no-untyped-def]
        return str(db.session.scalar(text("SELECT pg_backend_pid()")))

    with app.app_context():
        db.drop_all()
        db.create_all()
    use_app(app)
    client = app.test_client()
    sign_in(client, make_user())
    assert client.get("/hours/").status_code == 200  # a pooled connection, as in a live worker
    yield app, client
    use_app(None)
    running.thaw()
    for thread in threading.enumerate():  # a /healthz check that gave up, finishing its query
        if thread.name == "database-check":
            thread.join(HANG)
    with app.app_context():
        db.engine.dispose()


def assert_friendly_503(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503
    text = text_of(response)
    assert "Nothing you sent was saved" in text
    assert "Internal Server Error" not in text
    assert int(response.headers["Retry-After"]) > 0


def test_a_frozen_database_gets_the_friendly_page_quickly_and_the_site_recovers(site, running):
    app, client = site
    running.freeze()
    assert_friendly_503(within(HANG, lambda: client.get("/hours/")))
    health = within(HANG, lambda: app.test_client().get("/healthz"))
    assert health.status_code == 503
    assert health.json["database"] == "unavailable"
    running.thaw()
    assert within(HANG, lambda: client.get("/hours/")).status_code == 200
    assert within(HANG, lambda: app.test_client().get("/healthz")).json["database"] == "ok"


def test_healthz_answers_within_about_a_second_when_the_database_is_frozen(site, running):
    app, _client = site
    running.freeze()
    started = time.monotonic()
    health = within(HANG, lambda: app.test_client().get("/healthz"))
    took = time.monotonic() - started
    assert health.status_code == 503
    assert health.json == {
        "status": "error",
        "database": "unavailable",
        "limit_store": health.json["limit_store"],
    }
    # Not a speed test: a load balancer must get its answer before its own check times out
    # (commonly 5 s); the check's own deadline is 1 s.
    assert took < 5, f"/healthz took {took:.1f} s"


def test_a_stopped_database_gets_the_friendly_page_not_a_bare_500(site, running):
    app, client = site
    running.stop()
    assert_friendly_503(within(HANG, lambda: client.get("/hours/")))
    code = format_code(new_code())
    assert_friendly_503(within(HANG, lambda: app.test_client().get(f"/verify/{code}")))
    health = within(HANG, lambda: app.test_client().get("/healthz"))
    assert health.status_code == 503
    assert health.json["database"] == "unavailable"
    running.start()
    assert within(HANG, lambda: client.get("/hours/")).status_code == 200


def test_a_stopped_database_gets_the_friendly_page_from_gunicorns_point_of_view(site, running):
    """Outside testing, an error in the error page is what gunicorn turned into its bare
    "Internal Server Error": the page must render without the database."""
    app, client = site
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    running.stop()
    response = within(HANG, lambda: client.get("/hours/"))
    assert_friendly_503(response)
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_a_query_longer_than_the_statement_timeout_is_cancelled_with_the_friendly_page(site):
    _app, client = site
    response = within(HANG, lambda: client.get("/slow"))
    assert_friendly_503(response)
    assert within(HANG, lambda: client.get("/hours/")).status_code == 200


def test_commands_are_not_cut_off_by_the_statement_timeout(site):
    """Migrations, backups and other commands run outside a web request, with no timeout."""
    app, _client = site
    with app.app_context():
        db.session.execute(text("SELECT pg_sleep(1.5)"))
        assert db.session.scalar(text("SHOW statement_timeout")) == "0"
        db.session.rollback()


def test_a_request_whose_transaction_ends_on_a_frozen_database_still_answers(site):
    """The view has its answer; the COMMIT (or ROLLBACK) that ends its transaction runs after
    the request context is gone, and used to wait for the frozen server forever."""
    _app, client = site
    response = within(HANG, lambda: client.get("/read-then-freeze"))
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "read"


def test_a_change_whose_commit_gets_no_answer_is_not_said_to_be_lost(site):
    """The server may have committed before it froze: "Nothing you sent was saved" could be
    false, so the person is asked to check."""
    _app, client = site
    response = within(HANG, lambda: client.get("/save-while-frozen"))
    assert response.status_code == 503
    text = text_of(response)
    assert "We could not confirm that your change was saved" in text
    assert "Please check before sending it again" in text
    assert "Nothing you sent was saved" not in text


def test_a_frozen_database_costs_the_first_request_the_ping_not_the_statement_timeout(
    patient_site, running
):
    """The pool's ping before the request's first statement gives up quickly (a SELECT 1 on an
    idle connection), however long a statement may run: the 32 s answer deadline here."""
    _app, client = patient_site
    running.freeze()
    assert_friendly_503(within(HANG, lambda: client.get("/hours/")))
    running.thaw()
    assert within(HANG, lambda: client.get("/hours/")).status_code == 200


def test_healthz_on_a_frozen_database_leaves_the_sites_connections_alone(site, running):
    """/healthz asks on a connection of its own: its check, cut by the watchdog, does not drop
    the pooled connections the site's requests use."""
    app, client = site
    before = within(HANG, lambda: client.get("/backend")).get_data(as_text=True)
    running.freeze()
    assert within(HANG, lambda: app.test_client().get("/healthz")).status_code == 503
    running.thaw()
    for thread in threading.enumerate():
        if thread.name == "database-check":
            thread.join(HANG)
    assert within(HANG, lambda: client.get("/backend")).get_data(as_text=True) == before
    assert within(HANG, lambda: app.test_client().get("/healthz")).json["database"] == "ok"


# The pieces, without a server


def test_connecting_leaves_the_engines_connect_arguments_unchanged(monkeypatch):
    """SQLAlchemy 2.0 hands every connection the engine's own dictionary: a change to it
    would pile up options and give commands the web's statement timeout."""
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=UNREACHABLE_URL, **TIMEOUTS))
    opened: list[dict[str, Any]] = []

    def connect(_cls: type, *_args: Any, **params: Any) -> Any:
        opened.append(params)
        return SimpleNamespace()

    monkeypatch.setattr(DeadlineConnection, "connect", classmethod(connect))
    with app.app_context():
        engine = db.engine
    cparams = {"host": "127.0.0.1", "options": "-c search_path=public"}
    with app.test_request_context():
        for _ in range(2):
            for listener in engine.dialect.dispatch.do_connect:
                listener(engine.dialect, SimpleNamespace(info={}), [], cparams)
    assert cparams == {"host": "127.0.0.1", "options": "-c search_path=public"}
    assert opened[1]["options"] == "-c search_path=public -c statement_timeout=1000"


def test_answers_within_restores_the_deadline_around_it():
    with answers_within(5):
        with answers_within(1):
            pass
        assert database_timeouts._local.deadline == 5
    assert database_timeouts._local.deadline is None


def test_a_wait_that_ends_while_its_socket_is_being_shut_down_waits_for_the_shutdown(
    monkeypatch,
):
    """Its owner could otherwise close the connection, and the file descriptor go to another
    connection, between the watchdog's check and its shutdown."""
    cutting, release = threading.Event(), threading.Event()

    def slow_shutdown(_connection: Any) -> bool:
        cutting.set()
        release.wait(HANG)
        return True

    monkeypatch.setattr(database_timeouts, "_shut_down", slow_shutdown)
    dog = Watchdog()
    token = dog.watch(SimpleNamespace(), 0)
    assert cutting.wait(HANG)
    ending = threading.Thread(target=dog.forget, args=(token,), daemon=True)
    ending.start()
    ending.join(0.5)
    try:
        assert ending.is_alive(), "the wait ended while its socket was being shut down"
    finally:
        release.set()
        ending.join(HANG)
    assert not ending.is_alive()


def test_the_watchdog_keeps_watching_after_a_failure(monkeypatch):
    first, second = SimpleNamespace(), SimpleNamespace()
    cut = threading.Event()

    def shut_down(connection: Any) -> bool:
        if connection is first:
            raise RuntimeError("a bug")
        cut.set()
        return True

    monkeypatch.setattr(database_timeouts, "_shut_down", shut_down)
    dog = Watchdog()
    dog.watch(first, 0)
    dog.watch(second, 0.5)
    assert cut.wait(HANG), "the watchdog's thread died: no wait is cut any more"


def test_a_connect_timeout_of_0_is_refused():
    """A connection to a frozen server would wait forever: the watchdog cannot cut it."""
    config = app_config(SQLALCHEMY_DATABASE_URI=UNREACHABLE_URL, DATABASE_CONNECT_TIMEOUT=0)
    with pytest.raises(ValueError, match="FLASK_DATABASE_CONNECT_TIMEOUT must be"):
        create_app(config)
