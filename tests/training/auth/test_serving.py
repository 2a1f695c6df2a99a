"""Throttle counts are exact in the documented serving setup, and the app says so at start-up
when they cannot be: a warning on memory://, and gunicorn refuses several workers on it."""

import logging
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import pytest

from tests.helpers import app_config, redis_answers
from training import create_app

FAILURES_PER_ADDRESS = 10  # the app's default, as a deployer gets it


def production_app(**overrides):
    settings = {
        "TESTING": False,
        "DEBUG": False,
        "RATELIMIT_ENABLED": True,
        "PUBLIC_BASE_URL": "https://training.example.org",
        **overrides,
    }
    return create_app(app_config(**settings))


def test_a_warning_at_start_up_when_limits_are_counted_in_one_process(caplog):
    with caplog.at_level(logging.WARNING, logger="training"):
        production_app(RATELIMIT_STORAGE_URI="memory://")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "counted in this process's memory" in warnings[0]
    assert "FLASK_RATELIMIT_STORAGE_URI=redis://" in warnings[0]


@pytest.mark.parametrize(
    "overrides",
    [
        {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},  # shared by every process
        {"RATELIMIT_STORAGE_URI": "memory://", "TESTING": True},
        {"RATELIMIT_STORAGE_URI": "memory://", "DEBUG": True},  # flask run --debug: one process
    ],
)
def test_no_warning_when_counts_are_shared_or_in_development(caplog, overrides):
    with caplog.at_level(logging.WARNING, logger="training"):
        production_app(**overrides)
    assert not [r for r in caplog.records if "process's memory" in r.getMessage()]


# --- served by gunicorn, as the README says ----------------------------------------------


@pytest.fixture
def served(tmp_path, monkeypatch):
    """Start ``gunicorn --config python:training.serving ARGS wsgi:app`` on a database of its
    own; yields a function that does so and returns (process, port)."""
    from bench.load import free_port
    from bench.settings import server_environment
    from training.extensions import db

    monkeypatch.setenv("BENCH_WORK", str(tmp_path))
    url = f"sqlite:///{tmp_path}/served.sqlite3"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    started = []

    def start(*args, storage, **settings):
        port = free_port()
        env = server_environment(url, FLASK_RATELIMIT_STORAGE_URI=storage, **settings)
        env["FLASK_RATELIMIT_KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"  # counts of its own
        command = [
            sys.executable, "-m", "gunicorn", "--config", "python:training.serving",
            *args, "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app",
        ]  # fmt: skip
        process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
        started.append(process)
        return process, port

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(20)
        process.stderr.close()


@contextmanager
def up(process, port):
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.stderr.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start within a minute"
            time.sleep(0.2)
    yield


def failures_before_refusal(port) -> int:
    """Failed sign-ins (a different unknown email each time) one address makes before 429."""
    from bench.scaleout import Browser

    browser = Browser()
    for attempt in range(3 * FAILURES_PER_ADDRESS):
        token = browser.csrf(port, "/login")
        form = {"csrf_token": token, "email": f"nobody{attempt}@example.org", "password": "x"}
        status, _ = browser.open(port, "/login", form)
        if status == 429:
            return attempt
        assert status == 200
    return 3 * FAILURES_PER_ADDRESS


@pytest.mark.slow
def test_gunicorn_refuses_several_workers_counting_in_memory(served):
    process, _ = served("--workers", "2", storage="memory://")
    assert process.wait(60) == 1
    error = process.stderr.read()
    assert "2 workers would each count failed sign-ins on their own" in error
    assert "FLASK_RATELIMIT_STORAGE_URI=redis://" in error


@pytest.mark.slow
def test_one_worker_with_threads_counts_exactly_in_memory(served):
    process, port = served("--workers", "1", "--threads", "4", storage="memory://")
    with up(process, port):
        assert failures_before_refusal(port) == FAILURES_PER_ADDRESS


@pytest.mark.slow
@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_two_workers_count_exactly_in_redis(served):
    process, port = served("--workers", "2", storage="redis://127.0.0.1:6379/12")
    with up(process, port):
        assert failures_before_refusal(port) == FAILURES_PER_ADDRESS


def answer_headers(port, path, headers):
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.build_opener().open(request, timeout=30) as answer:
        return answer.headers


@pytest.mark.slow
@pytest.mark.parametrize(("proxies", "https"), [("0", False), ("1", True)])
def test_only_the_proxy_setting_decides_whether_a_request_came_over_https(served, proxies, https):
    """gunicorn on its own believes X-Forwarded-Proto from 127.0.0.1; with our configuration
    only ``FLASK_PROXY_COUNT`` (ProxyFix) does: a local client that claims HTTPS without a proxy
    configured is served as plain HTTP (no HSTS)."""
    process, port = served(
        "--workers", "1", "--threads", "2", storage="memory://", FLASK_PROXY_COUNT=proxies
    )
    with up(process, port):
        claimed = answer_headers(port, "/verify", {"X-Forwarded-Proto": "https"})
        plain = answer_headers(port, "/verify", {})
    assert ("Strict-Transport-Security" in claimed) is https
    assert "Strict-Transport-Security" not in plain
