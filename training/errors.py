"""Friendly error pages: a person who hits a wall is told what happened and where to go."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

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
        "For your account's safety we have paused this for a few minutes. "
        "Please wait, then try again.",
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
        if code == 400 and error.description and "CSRF" in error.description:
            title = "This form has expired"
            text = "Please reload the page and submit the form again."
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error=title, status=code), code
        return render_template("error.html", code=code, title=title, text=text), code

    @app.errorhandler(500)
    def server_error(error: Exception):  # type: ignore[no-untyped-def]
        title, text = MESSAGES[500]
        return render_template("error.html", code=500, title=title, text=text), 500
