"""What the seeding, the load run and the app servers it starts share: one work folder with the
secret key, the certificate signing key and the SQLite file, and the settings the servers get."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def work() -> Path:
    """Keys, the SQLite data set, request plans and the PDF cache (``BENCH_WORK``, default
    ``bench/.work``; not committed)."""
    return Path(os.environ.get("BENCH_WORK") or ROOT / "bench" / ".work")


#: every bench account's password (argon2 is slow on purpose: one hash for them all)
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 (a published test password)
#: the address printed on bench certificates and in their QR codes
PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def redis_url() -> str:
    """Where the servers keep throttle counters (``BENCH_REDIS_URL``; a database of its own)."""
    return os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/15"


def default_database_url() -> str:
    return "sqlite:///" + str(work() / "bench.sqlite3")


def secret_key() -> str:
    path = work() / "secret_key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def signing_key_file() -> Path:
    from certificates.signing import new_private_key_pem

    path = work() / "certificate_signing_key.pem"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(new_private_key_pem())
        path.chmod(0o600)
    return path


def server_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment an app server of the bench runs with: production settings (no debug,
    Redis for the throttle counters as with several servers), the bench's keys and database."""
    env = dict(os.environ)
    env.update(
        {
            "SECRET_KEY": secret_key(),
            "DATABASE_URL": database_url,
            "FLASK_CERTIFICATE_SIGNING_KEY_FILE": str(signing_key_file()),
            "FLASK_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "FLASK_RATELIMIT_STORAGE_URI": redis_url(),
            # One client address sends every request of the load: the public limit would turn
            # nearly all of them away. The limiter still counts each one, as it does for real.
            "FLASK_VERIFY_RATE_LIMIT": "1000000 per minute; 10000000 per hour",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def app_for(database_url: str, **overrides: Any) -> Flask:
    """The app as the bench's servers configure it (for seeding and preparing requests)."""
    from training import create_app

    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secret_key(),
        "CERTIFICATE_SIGNING_KEY_FILE": str(signing_key_file()),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }
    config.update(overrides)
    return create_app(config)


@contextmanager
def bench_app(database_url: str, **overrides: Any) -> Iterator[Flask]:
    """``app_for`` inside its app context; its database connections are closed on leaving."""
    from training.extensions import db

    app = app_for(database_url, **overrides)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
