"""Friendly error pages: a person who hits a wall is told what happened and where to go."""

from __future__ import annotations

import math
import time
from datetime import timedelta

from babel.dates import format_timedelta
from flask import Flask, jsonify, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, TooManyRequests

from training.extensions import db, limiter

MESSAGES = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: (
        "You don't have access to this page",
        "Your account's role does not include this page. "
        "If you think it should, ask your program lead.",
    ),
    404: ("We couldn't find that page", "The link may be out of date, or the page may have moved."),
    405: ("That action isn't available here", "Please go back and use the buttons on the page."),
    429: (
        "Too many attempts",
        "Many requests like this one have come from your network in a short time, so we have "
        "paused it for a while. Please wait, then try again.",
    ),
    503: (
        "The site is busy right now",
        "Nothing you sent was saved. Please wait a few seconds, then try again.",
    ),
    500: (
        "Something went wrong on our side",
        "The problem has been logged. Please try again in a "
        "few minutes; nothing you submitted before this page was lost.",
    ),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        title, text = MESSAGES.get(code, (error.name, error.description or ""))
        retry_after = _retry_after(error) if code == 429 else None
        if code == 429:
            text = f"{_refusal(error) or text} {_wait(retry_after)}".strip()
        if code == 400 and error.description != BadRequest.description:
            text = error.description  # what was wrong, in the words of ``abort(400, …)``
        if code == 400 and error.description and "CSRF" in error.description:
            title = "This form has expired"
            text = "Please reload the page and submit the form again."
        if request.accept_mimetypes.best == "application/json":
            response = jsonify(error=title, status=code)
        else:
            response = make_response(
                render_template("error.html", code=code, title=title, text=text)
            )
        response.status_code = code
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):  # type: ignore[no-untyped-def]
        """SQLite lets one writer in at a time; one that waited its whole busy timeout gets
        "database is locked". Its transaction is rolled back: say so, and to try again."""
        if "database is locked" not in str(error.orig):
            raise error
        db.session.rollback()  # the page itself reads (the navigation's counts)
        title, text = MESSAGES[503]
        response = make_response(render_template("error.html", code=503, title=title, text=text))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(500)
    def server_error(error: Exception):  # type: ignore[no-untyped-def]
        title, text = MESSAGES[500]
        return render_template("error.html", code=500, title=title, text=text), 500


def _refusal(error: HTTPException) -> str | None:
    """The refusing limit's own words, written for the people it refuses: every limit has
    them (``training.auth.throttle``'s, the verification limit's); None for a bare 429."""
    if isinstance(error, RateLimitExceeded) and not error.limit.error_message:
        return None  # Flask-Limiter's description is then the limit itself, "20 per 1 hour"
    return None if error.description == TooManyRequests.description else error.description


def _retry_after(error: HTTPException) -> int | None:
    """Seconds until the limit that refused this request lets the client in again: the
    refusal's own (``training.auth.throttle``), or one look-up in Flask-Limiter's storage."""
    if isinstance(error, TooManyRequests) and isinstance(error.retry_after, int):
        return error.retry_after
    limit = limiter.current_limit
    if limit is None:
        return None
    return max(1, math.ceil(limit.window.reset_time - time.time()))


def _wait(seconds: int | None) -> str:
    """How long the wait is, in words that match the Retry-After header."""
    if seconds is None:
        return ""
    return (
        f"You can try again in about {format_timedelta(timedelta(seconds=seconds), locale='en')}."
    )
