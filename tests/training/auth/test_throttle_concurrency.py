"""Guesses sent all at once get no more password checks than the allowance, in memory and in
Redis: real parallel requests (threads released together by a barrier) against the app served
on 127.0.0.1, counting every password the app actually checks."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import read_to_the_end
from tests.helpers import make_user, race_app, redis_answers
from training.auth import views

WRONG = "not the password at all"
REDIS = "redis://127.0.0.1:6379/13"  # a database of these tests' own; each deletes its own keys


STORAGES = [
    "memory://",
    pytest.param(
        REDIS,
        marks=pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379"),
    ),
]


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """Serve the app (with the given storage and settings) on a free port in threads; yields
    a function returning (app, port, checks), ``checks`` being the password checks made."""
    checks: list[str] = []
    lock = threading.Lock()
    real_verify = views.verify_password

    def counted_verify(stored_hash, password):  # type: ignore[no-untyped-def]
        with lock:
            checks.append(password)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(views, "verify_password", counted_verify)
    started = []

    def start(storage, **settings):
        prefix = f"test-{uuid.uuid4().hex}"
        context = race_app(
            tmp_path,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=storage,
            RATELIMIT_KEY_PREFIX=prefix,
            WTF_CSRF_ENABLED=False,  # the throttle is under test here, not the form's token
            PROXY_COUNT=1,  # so each thread can come from an address of its own
            # Sixty requests at once share the pool's 15 connections while each checks a
            # password (argon2: slow on purpose). On a busy machine some would wait longer than
            # the site's 5 s for a connection and get a 503: the pool's limit is tested
            # elsewhere (tests of database timeouts), the throttle is tested here.
            DATABASE_POOL_TIMEOUT=120,
            **settings,
        )
        app = context.__enter__()
        server = make_server("127.0.0.1", 0, read_to_the_end(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((context, server, thread, storage, prefix))
        return app, server.server_port, checks

    yield start
    for context, server, thread, storage, prefix in started:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        context.__exit__(None, None, None)
        if storage == REDIS:  # only this test's keys: others may be counting in it right now
            import redis

            with redis.Redis.from_url(REDIS) as connection:
                for key in connection.scan_iter(match=f"*{prefix}*"):
                    connection.delete(key)


def sign_in(port: int, email: str, password: str, client: str) -> tuple[int, str, str]:
    """POST the sign-in form from the client address ``client``: status, Retry-After, page."""
    form = urllib.parse.urlencode({"email": email, "password": password}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/login", data=form, headers={"X-Forwarded-For": client}
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, "", answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Retry-After", ""), error.read().decode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # a successful sign-in's 302 is the answer itself


def all_at_once(attempts: list[tuple[str, str, str, str]]) -> list[tuple[int, str, str]]:
    """Send every (port, email, password, client) at the same moment, each in a thread."""
    barrier = threading.Barrier(len(attempts))
    answers: list[tuple[int, str, str]] = [(0, "", "")] * len(attempts)

    def run(i: int) -> None:
        barrier.wait()
        answers[i] = sign_in(*attempts[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("storage", STORAGES)
def test_guesses_at_one_account_from_one_address_all_at_once(serve, storage):
    app, port, checks = serve(storage)  # 5 per account and address, 10 per address
    with app.app_context():
        email = make_user().email
    answers = all_at_once([(port, email, WRONG, "203.0.113.7")] * 30)
    assert len(checks) == 5  # the allowance, however many arrive together
    assert sorted(status for status, _, _ in answers) == [200] * 5 + [429] * 25
    for status, retry_after, page in answers:
        if status == 429:
            assert 1 <= int(retry_after) <= 15 * 60
            assert "signing in is paused" in page


@pytest.mark.slow
@pytest.mark.parametrize("storage", STORAGES)
def test_guesses_at_one_account_from_many_addresses_all_at_once(serve, storage):
    app, port, checks = serve(storage)  # 20 per account from browsers it has not seen
    with app.app_context():
        email = make_user().email
    attempts = [(port, email, WRONG, f"203.0.113.{n + 1}") for n in range(60)]
    answers = all_at_once(attempts)
    assert len(checks) == 20
    assert sorted(status for status, _, _ in answers) == [200] * 20 + [429] * 40


@pytest.mark.slow
@pytest.mark.parametrize("storage", STORAGES)
def test_right_passwords_all_at_once_use_no_allowance(serve, storage):
    """The owner signing in on several devices at once, then a guesser: every right password
    is given back, so the guesser still gets only the allowance, and the owner is never
    refused."""
    app, port, checks = serve(storage, LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="5 per hour")
    with app.app_context():
        email = make_user().email
    from tests.helpers import PASSWORD

    owner = all_at_once([(port, email, PASSWORD, "198.51.100.20")] * 4)
    assert [status for status, _, _ in owner] == [302] * 4
    guesses = all_at_once([(port, email, WRONG, "198.51.100.20")] * 12)
    assert sorted(status for status, _, _ in guesses) == [200] * 5 + [429] * 7
    assert len(checks) == 4 + 5
