"""Serving with gunicorn, with throttle counts that are exact.

    gunicorn --config python:training.serving --workers 2 --bind 127.0.0.1:8000 wsgi:app

The sign-in throttle and the verification limit count in ``FLASK_RATELIMIT_STORAGE_URI``. The
default, ``memory://``, keeps the counters inside one process: exact for one process (``flask
run``, or ``gunicorn --workers 1 --threads 4``), but with several workers each counts on its
own, and a guesser gets that many times the allowance. So:

- this module, as gunicorn's configuration, refuses to start several workers on ``memory://``
  (``on_starting``), naming the fix;
- every app outside debug and tests logs a warning at start-up on ``memory://``
  (``warn_if_limits_are_not_shared``), as it cannot see how many processes or servers run.
"""

from __future__ import annotations

from typing import Any

from flask import Config as FlaskConfig
from flask import Flask

FIX = (
    "Keep the counters in Redis, shared by every worker and server: "
    "FLASK_RATELIMIT_STORAGE_URI=redis://HOST:6379/0 (see the README, Running in production). "
    "Or serve with one worker and threads: gunicorn --workers 1 --threads 4."
)


def limits_are_shared(config: Any) -> bool:
    """True unless the limits are on and counted in one process's memory."""
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    return not config.get("RATELIMIT_ENABLED", True) or not storage.startswith("memory://")


def warn_if_limits_are_not_shared(app: Flask) -> None:
    if limits_are_shared(app.config) or app.debug or app.testing:
        return
    app.logger.warning(
        "Sign-in and verification limits are counted in this process's memory "
        "(FLASK_RATELIMIT_STORAGE_URI=memory://): exact only while one process serves the site. "
        "With several workers or servers each counts on its own. %s",
        FIX,
    )


def on_starting(server: Any) -> None:
    """gunicorn's hook, before any worker starts: refuse several workers on ``memory://``."""
    from training.config import Config

    config = FlaskConfig(".")
    config.from_object(Config)
    config.from_prefixed_env()  # as ``create_app`` reads it
    workers = server.cfg.workers
    if workers > 1 and not limits_are_shared(config):
        raise RuntimeError(
            f"{workers} workers would each count failed sign-ins on their own "
            f"(FLASK_RATELIMIT_STORAGE_URI=memory://), allowing {workers} times the limits. {FIX}"
        )


# Whom to believe about HTTPS is ProxyFix's decision alone (``FLASK_PROXY_COUNT``, see
# ``training.create_app``): gunicorn itself trusts no peer's X-Forwarded-Proto (by default it
# trusts 127.0.0.1's, so any local client could make a request count as HTTPS), and knows no
# header that marks a request secure (that also covers UNIX sockets, which gunicorn trusts
# whatever ``forwarded_allow_ips`` says).
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
