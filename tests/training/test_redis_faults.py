"""A Redis that hangs (SIGSTOP) or is down never hangs or breaks sign-in and verification: each
request pays at most a short timeout, the limits go on counting in the process's memory, the
log says so once per outage, and counting goes back to Redis when it answers again.

Each test starts a redis-server of its own on a free port and freezes or kills it; the shared
one on 6379 is never touched. The deadlines only detect hangs (a frozen Redis used to hold
every request until gunicorn killed the worker); the tests assert outcomes.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
import redis
from limits.storage import RedisStorage

from certificates.codes import format_code, new_code
from tests.helpers import PASSWORD, app_with_database, make_certificate, make_user, within
from training import limit_store
from training.auth import views

real_verify_password = views.verify_password

WRONG = "not the password at all"
HANG = 10.0  # seconds: a request that takes longer is hung, not slow

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, which the test can freeze, thaw, stop and restart."""

    def __init__(self, folder) -> None:  # type: ignore[no-untyped-def]
        self.port = _free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + HANG
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.thaw()
        self.process.kill()
        self.process.wait(timeout=HANG)
        self.process = None

    def keys(self, pattern: str) -> list[bytes]:
        return self.client().keys(pattern)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()  # thawed first: nothing is left frozen


@pytest.fixture
def site(redis_server):
    """The app counting its limits in ``redis_server``: 3 failed sign-ins per account and
    address, 3 verifications a minute."""
    prefix = f"faults-{uuid.uuid4().hex}"
    with app_with_database(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_server.url,
        RATELIMIT_KEY_PREFIX=prefix,
        WTF_CSRF_ENABLED=False,  # the limits are under test here, not the form's token
        LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="3 per 15 minutes",
        VERIFY_RATE_LIMIT="3 per minute",
    ) as app:
        yield app


def answered(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    """The response of ``request(*args, **kwargs)``, made in a thread; fails if it hangs."""
    return within(HANG, lambda: request(*args, **kwargs))


def browser(app, address):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, email, password=PASSWORD):  # type: ignore[no-untyped-def]
    return answered(client.post, "/login", data={"email": email, "password": password})


def verify(client, code):  # type: ignore[no-untyped-def]
    return answered(client.get, f"/verify/{format_code(code)}")


def errors_logged(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def sign_in_and_verification_keep_working(app) -> None:  # type: ignore[no-untyped-def]
    """What a person notices while Redis fails: right passwords let in, wrong ones refused,
    then paused after the allowance; certificates verified, then paused after theirs."""
    user = make_user()
    certificate = make_certificate(user, code=new_code())
    assert login(browser(app, "10.9.0.1"), user.email).status_code == 302
    guesser = browser(app, "10.9.0.2")
    for _ in range(3):
        wrong = login(guesser, user.email, WRONG)
        assert wrong.status_code == 200  # the form again, with its message
    assert login(guesser, user.email).status_code == 429  # counted in this process's memory
    visitor = browser(app, "10.9.0.3")
    assert verify(visitor, certificate.code).status_code == 200
    assert verify(visitor, new_code()).status_code == 404
    assert verify(visitor, certificate.code).status_code == 200
    assert verify(visitor, certificate.code).status_code == 429
    assert verify(browser(app, "10.9.0.4"), certificate.code).status_code == 200


def test_a_frozen_redis_does_not_hang_sign_in_or_verification(site, redis_server, caplog):
    caplog.set_level(logging.INFO)
    redis_server.freeze()
    sign_in_and_verification_keep_working(site)
    unavailable = errors_logged(caplog)
    assert len(unavailable) == 1, unavailable  # once per outage, not once per request
    assert "unavailable" in unavailable[0] and "memory" in unavailable[0]


def test_a_stopped_redis_does_not_break_sign_in_or_verification(site, redis_server, caplog):
    caplog.set_level(logging.INFO)
    redis_server.stop()
    sign_in_and_verification_keep_working(site)
    assert len(errors_logged(caplog)) == 1


def failures_in_redis(redis_server, address: str) -> int:
    """The failed sign-ins Redis holds for ``address`` (0 when it holds none)."""
    keys = redis_server.keys(f"*/{address}/password-failures-address/*")
    return sum(int(redis_server.client().get(key) or 0) for key in keys)


def test_counting_goes_back_to_redis_when_it_answers_again(site, redis_server, caplog, monkeypatch):
    monkeypatch.setattr(limit_store, "RETRY_SECONDS", 0.2)
    caplog.set_level(logging.INFO)
    user = make_user()
    redis_server.freeze()
    assert login(browser(site, "10.9.1.1"), user.email, WRONG).status_code == 200  # in memory
    redis_server.thaw()
    time.sleep(0.3)  # the store looks at Redis again after RETRY_SECONDS
    assert login(browser(site, "10.9.1.2"), user.email, WRONG).status_code == 200
    assert failures_in_redis(redis_server, "10.9.1.2") == 1  # counted in Redis again
    messages = [r.getMessage() for r in caplog.records]
    assert len(errors_logged(caplog)) == 1
    assert any("answers again" in m for m in messages), messages

    # a second outage is a new outage, logged again
    redis_server.stop()
    assert login(browser(site, "10.9.1.3"), user.email, WRONG).status_code == 200
    assert len(errors_logged(caplog)) == 2


def test_a_restarted_redis_gets_the_counts_again(site, redis_server, monkeypatch):
    monkeypatch.setattr(limit_store, "RETRY_SECONDS", 0.2)
    user = make_user()
    redis_server.stop()
    assert login(browser(site, "10.9.2.1"), user.email, WRONG).status_code == 200
    redis_server.start()
    time.sleep(0.3)
    guesser = browser(site, "10.9.2.2")
    assert login(guesser, user.email, WRONG).status_code == 200
    assert login(guesser, user.email, WRONG).status_code == 200
    assert failures_in_redis(redis_server, "10.9.2.2") == 2


def test_verification_counts_in_redis_again_when_it_answers(site, redis_server):
    """Flask-Limiter's own fallback looks at Redis again after 1, 2, 4 … 32 s: within a
    minute (a hang guard) the verification limit counts in Redis again."""
    certificate = make_certificate(make_user(), code=new_code())
    redis_server.freeze()
    assert verify(browser(site, "10.9.3.1"), certificate.code).status_code == 200
    redis_server.thaw()
    deadline = time.monotonic() + 60
    n = 0
    while not redis_server.keys("*/10.9.4.*/verification/*") and time.monotonic() < deadline:
        n += 1
        assert verify(browser(site, f"10.9.4.{n % 250}"), certificate.code).status_code == 200
        time.sleep(0.25)
    assert redis_server.keys("*/10.9.4.*/verification/*")


def status_of(app) -> str:  # type: ignore[no-untyped-def]
    def ask() -> str:
        with app.app_context():
            return limit_store.limit_store_status()

    return answered(ask)


def test_the_status_says_whether_redis_counts(site, redis_server, monkeypatch):
    monkeypatch.setattr(limit_store, "RETRY_SECONDS", 0.2)
    assert status_of(site) == "ok"
    redis_server.freeze()
    started = time.monotonic()
    assert status_of(site) == "unavailable"
    assert time.monotonic() - started < 5  # a hang guard: one socket timeout, not 30 s
    assert status_of(site) == "unavailable"
    redis_server.thaw()
    time.sleep(0.3)
    assert status_of(site) == "ok"
    redis_server.stop()
    assert status_of(site) == "unavailable"


def test_the_status_of_counting_in_memory_is_memory():
    with app_with_database(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://") as app:
        assert status_of(app) == "memory"


class Clock:
    """``limit_store``'s clock, moved on by the test: when the store looks at Redis again is
    the test's choice, not a busy machine's."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def pass_retry(self) -> None:
        self.now += limit_store.RETRY_SECONDS + 1


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limit_store, "time", clock)
    return clock


def while_checking_the_password(monkeypatch, happens) -> None:  # type: ignore[no-untyped-def]
    """``happens()`` runs in the middle of each sign-in: after the failures are reserved,
    before they are kept or given back."""
    real = views.verify_password

    def verify(stored_hash, password):  # type: ignore[no-untyped-def]
        happens()
        return real(stored_hash, password)

    monkeypatch.setattr(views, "verify_password", verify)


def test_a_reservation_made_in_redis_is_not_given_back_to_memory(
    site, redis_server, clock, monkeypatch, caplog
):
    """Redis freezes while a right password is checked: the failures counted in this
    process's memory during an earlier outage keep their count (they used to lose one each
    time), and the sign-in answers without an error."""
    owner = make_user()
    guesser = browser(site, "10.9.5.1")
    redis_server.freeze()  # an earlier outage: two guesses counted in memory
    for _ in range(2):
        assert login(guesser, owner.email, WRONG).status_code == 200
    redis_server.thaw()
    clock.pass_retry()  # the store looks at Redis again, and counts there

    while_checking_the_password(monkeypatch, redis_server.freeze)
    caplog.set_level(logging.DEBUG, logger="training.auth.throttle")
    assert login(browser(site, "10.9.5.1"), owner.email).status_code == 302
    monkeypatch.setattr(views, "verify_password", real_verify_password)

    # Redis is frozen again, so the guesser counts in memory: one guess left of three
    assert login(guesser, owner.email, WRONG).status_code == 200
    assert login(guesser, owner.email).status_code == 429
    dropped = [r for r in caplog.records if "stays counted" in r.getMessage()]
    assert dropped and all(r.levelno == logging.DEBUG for r in dropped)  # said, not raised


def test_a_reservation_made_in_memory_is_not_given_back_to_redis(
    site, redis_server, clock, monkeypatch
):
    """Redis answers again while a right password is checked: the failures Redis counted
    keep their count (the reservation made in memory used to take one off them)."""
    owner = make_user()
    guesser = browser(site, "10.9.6.1")
    for _ in range(2):
        assert login(guesser, owner.email, WRONG).status_code == 200  # counted in Redis
    redis_server.freeze()
    assert status_of(site) == "unavailable"  # the outage is known: the next sign-in counts
    # in memory without asking Redis

    def thaw() -> None:
        redis_server.thaw()
        clock.pass_retry()  # the store looks at Redis again

    while_checking_the_password(monkeypatch, thaw)
    assert login(browser(site, "10.9.6.1"), owner.email).status_code == 302
    monkeypatch.setattr(views, "verify_password", real_verify_password)
    assert failures_in_redis(redis_server, "10.9.6.1") == 2

    assert login(guesser, owner.email, WRONG).status_code == 200
    assert login(guesser, owner.email).status_code == 429


def test_a_refusal_counted_in_redis_says_how_long_the_pause_lasts(site, redis_server, monkeypatch):
    """Redis freezes just after it refuses a guess: the pause announced is the window's
    (15 minutes), read from Redis or assumed whole, never memory's empty "1 second"."""
    owner = make_user()
    guesser = browser(site, "10.9.7.1")
    for _ in range(3):
        assert login(guesser, owner.email, WRONG).status_code == 200  # counted in Redis
    real_incr = RedisStorage.incr

    def incr(storage, key, *args, **kwargs):  # type: ignore[no-untyped-def]
        count = real_incr(storage, key, *args, **kwargs)
        if "password-failures-account-address" in key and count > 3:
            redis_server.freeze()
        return count

    monkeypatch.setattr(RedisStorage, "incr", incr)
    refused = login(guesser, owner.email, WRONG)
    assert refused.status_code == 429
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60
