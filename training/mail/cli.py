"""``flask --app wsgi mail …`` (placeholder: the worker work replaces it)."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Send the outbox's email.")


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_cli)
