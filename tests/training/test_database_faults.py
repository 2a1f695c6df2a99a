"""A PostgreSQL that hangs (SIGSTOP), is down, or runs a query too long never hangs the site:
each request gets the friendly 503 page within seconds, /healthz says the database is
unavailable within about a second, and the site works again as soon as the server answers.

The tests start a PostgreSQL server of their own (initdb into a temporary folder, a free port)
and freeze, thaw and stop it; the shared one on 5432 is never touched. The deadlines only
detect hangs (a frozen server used to hold a request for as long as it stayed frozen); the
tests assert what a person sees.
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from certificates.codes import format_code, new_code
from tests.helpers import app_config, make_user, sign_in, text_of, use_app
from training import create_app
from training.extensions import db

BIN = Path("/usr/lib/postgresql/15/bin")
HANG = 15.0  # seconds: a request that takes longer is hung, not slow
#: the settings under test, short so a frozen server costs each test seconds
TIMEOUTS = {
    "DATABASE_STATEMENT_TIMEOUT": 1,
    "DATABASE_CONNECT_TIMEOUT": 2,
    "DATABASE_POOL_TIMEOUT": 2,
}

pytestmark = pytest.mark.skipif(
    not (BIN / "postgres").exists(), reason="needs the PostgreSQL 15 server binaries"
)


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
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=running.url, **TIMEOUTS))

    @app.route("/slow")
    def slow():  # type: ignore[no-untyped-def]
        db.session.execute(text("SELECT pg_sleep(30)"))
        return "finished"

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


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """What ``call`` returns, failing the test if it has not returned after ``seconds`` (a hang;
    the thread is left to finish when the test thaws the server)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"no answer after {seconds:.0f} s: the request hangs"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


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
