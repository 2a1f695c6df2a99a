"""Friendly error pages: a person who hits a wall is told what happened and where to go.

Every error page is drawn without needing the database when it has to be: the site's layout
reads the signed-in person (and their waiting count) from the database, so when that fails the
page falls back to a layout of its own that reads nothing (``error_standalone.html``). A
database that is down, frozen or too slow answers 503 with that page, never a bare 500.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from datetime import timedelta

from babel.dates import format_timedelta
from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import BadRequest, HTTPException, TooManyRequests

from training.database_timeouts import commit_unconfirmed
from training.extensions import db, limiter, login_manager

log = logging.getLogger(__name__)

MESSAGES: dict[int | str, tuple[str, str]] = {
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
    # not an HTTP status: the 503 of a database that does not answer
    "database": (
        "The site can't reach its database right now",
        "Nothing you sent was saved. Please try again in a minute.",
    ),
    # nor this: the database stopped answering while it was saving (committing) a change
    "unconfirmed": (
        "The site can't reach its database right now",
        "We could not confirm that your change was saved. Please check before sending it again.",
    ),
    500: (
        "Something went wrong on our side",
        "The problem has been logged. Please try again in a "
        "few minutes; nothing you submitted before this page was lost.",
    ),
}


#: seconds in the Retry-After of a 503: a busy database frees up in seconds, one that does not
#: answer is being restarted or repaired
RETRY_AFTER_BUSY = 5
RETRY_AFTER_UNREACHABLE = 30
#: PostgreSQL's SQLSTATEs of a database that is busy, after which nothing was saved: a
#: statement cancelled (the statement timeout), a transaction that lost to another
#: (serialization failure, deadlock), a lock not granted in time, no free connection
BUSY_SQLSTATES = frozenset({"57014", "40001", "40P01", "55P03", "53300"})
#: ... and of one shutting down or starting up (a connection failure is class 08, and an
#: error without a SQLSTATE never reached the server: refused, dropped, cut by the watchdog)
UNREACHABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


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
        return error_page(code, title, text, retry_after=retry_after)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):  # type: ignore[no-untyped-def]
        """The database refused, dropped, did not answer or cancelled a slow statement; or
        SQLite's one writer kept the lock past its busy timeout ("database is locked"). The
        transaction is rolled back: say so, and when to try again."""
        kind = _database_failure(error)
        if kind is None:
            raise error  # a mistake in a statement, not the database failing: a 500
        return _database_page(kind, error)

    @app.errorhandler(PoolTimeoutError)
    def no_free_connection(error: PoolTimeoutError):  # type: ignore[no-untyped-def]
        """Every pooled connection stayed in use for the whole pool timeout."""
        return _database_page("busy", error)

    @app.errorhandler(500)
    def server_error(error: Exception):  # type: ignore[no-untyped-def]
        title, text = MESSAGES[500]
        return error_page(500, title, text)


def error_page(
    code: int, title: str, text: str, *, retry_after: int | None = None, layout: bool = True
) -> Response:
    """The error answer: JSON for a client that asks for it, else the page in the site's
    layout, or, when ``layout`` is False or the layout fails (it reads the signed-in person
    from the database), the page on its own."""
    if request.accept_mimetypes.best == "application/json":
        response = jsonify(error=title, status=code)
    else:
        response = make_response(_render(code, title, text, layout=layout))
    response.status_code = code
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _render(code: int, title: str, text: str, *, layout: bool) -> str:
    if layout:
        try:
            return render_template("error.html", code=code, title=title, text=text)
        except Exception:  # the layout's reads failed: draw the page without them
            log.exception("The error page could not use the site's layout; drawn without it.")
            _forget_the_database()
    # Straight from the Jinja environment: no context processor (the navigation's counts)
    # runs, and nothing in the template reads the database.
    template = current_app.jinja_env.get_template("error_standalone.html")
    return template.render(code=code, title=title, text=text)


def _forget_the_database() -> None:
    """End the failed transaction, and treat the rest of this request as signed out, so
    nothing drawn after this (or Flask-Login) asks the database for the person again."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("Could not roll back after a database failure.", exc_info=True)
    g._login_user = login_manager.anonymous_user()


def _database_failure(error: OperationalError) -> str | None:
    """ "busy" (locked, cancelled as too slow), "unreachable", "unconfirmed", or None: SQLite's
    other operational errors ("no such table") are mistakes, not outages."""
    original = error.orig
    if isinstance(original, sqlite3.Error):
        message = str(original)
        if "database is locked" in message:
            return "busy"
        return "unreachable" if "unable to open database file" in message else None
    return _postgres_failure(original)


def _postgres_failure(original: BaseException | None) -> str | None:
    """By the error's SQLSTATE: "unconfirmed" when the database stopped answering during a
    COMMIT, "unreachable", "busy", or None for any other error (a full disk, a mistake): a 500
    with its traceback in the log, not an outage page that hides it."""
    if commit_unconfirmed(original):
        return "unconfirmed"
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is None or sqlstate.startswith("08") or sqlstate in UNREACHABLE_SQLSTATES:
        return "unreachable"
    return "busy" if sqlstate in BUSY_SQLSTATES else None


def _database_page(kind: str, error: Exception) -> Response:
    _forget_the_database()
    if kind == "busy":
        log.warning("Database busy: %s", error)
        title, text = MESSAGES[503]
        retry_after = RETRY_AFTER_BUSY
    else:
        log.error("Database unavailable: %s", error)
        title, text = MESSAGES["unconfirmed" if kind == "unconfirmed" else "database"]
        retry_after = RETRY_AFTER_UNREACHABLE
    return error_page(503, title, text, retry_after=retry_after, layout=False)


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
