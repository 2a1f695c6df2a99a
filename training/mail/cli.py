"""``flask --app wsgi mail send|status``: the worker that sends the outbox, and its counts.

``mail send`` runs until stopped (a systemd service): a pass (write the scheduled messages that
are due, send every message that is due), then a pause of ``--interval`` seconds, and again.
SIGTERM or Ctrl-C stops it after the message being sent (a second Ctrl-C stops it at once).
``mail send --once`` makes one pass and exits (cron, or a systemd timer). Either prints one
line for each pass that sent, retried or failed anything.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from training.extensions import db
from training.mail import configured
from training.mail.models import MailStatus, OutboxMessage
from training.mail.sender import sender
from training.mail.worker import Summary, counts_by_status, send_due, worker_name

log = logging.getLogger(__name__)
mail_cli = AppGroup("mail", help="Send the outbox's email.")

NOT_CONFIGURED = (
    "Mail is not configured: set FLASK_MAIL_SERVER (and FLASK_MAIL_PORT, FLASK_MAIL_USE_TLS or "
    "FLASK_MAIL_USE_SSL, FLASK_MAIL_USERNAME, FLASK_MAIL_PASSWORD, FLASK_MAIL_DEFAULT_SENDER as "
    "your provider says). Until then messages wait in the outbox; the lead sees them at "
    "/lead/mail."
)


@contextmanager
def _stop_on_signal() -> Iterator[threading.Event]:
    """An event set by SIGTERM or Ctrl-C (the main thread's handlers, put back afterwards);
    after the first, the usual handlers are back, so a second Ctrl-C stops at once."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    def asked_to_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()
        restore()

    for sig in previous:
        signal.signal(sig, asked_to_stop)
    try:
        yield stop
    finally:
        restore()


@mail_cli.command("send")
@click.option("--once", is_flag=True, help="Make one pass and exit (for cron or a timer).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds between passes.",
)
def send(once: bool, interval: float) -> None:
    """Send the email that is due, with retries; run it as a service, or --once from a timer."""
    if not configured(current_app):
        raise click.ClickException(NOT_CONFIGURED)
    _warn_of_a_login_in_the_clear(current_app.config)
    name = worker_name()
    with _stop_on_signal() as stop:
        while not stop.is_set():
            if once:
                _report(send_due(worker=name, should_stop=stop.is_set))
                return
            try:
                _report(send_due(worker=name, should_stop=stop.is_set))
            except Exception as error:  # the database is down, say: keep serving, try again
                log.exception("The mail worker's pass stopped on an error")
                click.echo(f"Mail: the pass stopped on an error: {_first_line(error)}", err=True)
                db.session.remove()
            stop.wait(interval)


def _warn_of_a_login_in_the_clear(config: Any) -> None:
    if config.get("MAIL_USERNAME") and not (config["MAIL_USE_TLS"] or config["MAIL_USE_SSL"]):
        log.warning(
            "MAIL_USERNAME is set without MAIL_USE_TLS or MAIL_USE_SSL: the SMTP login and "
            "password go to %s in the clear. Turn one on, unless the server is on this machine.",
            config["MAIL_SERVER"],
        )


def _report(summary: Summary) -> None:
    if summary.eventful:
        click.echo(summary.line())


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@mail_cli.command("status")
def status() -> None:
    """Say whether mail is configured, and how many messages are in each status."""
    config = current_app.config
    if configured(current_app):
        security = (
            "TLS" if config["MAIL_USE_SSL"] else "STARTTLS" if config["MAIL_USE_TLS"] else "plain"
        )
        click.echo(
            f"Mail goes through {config['MAIL_SERVER']}:{config['MAIL_PORT']} ({security}), "
            f"from {sender(config)[0]}."
        )
    else:
        click.echo(NOT_CONFIGURED)
    counts = counts_by_status()
    for state in MailStatus:
        click.echo(f"{state.value:<8} {counts[state.value]}")
    oldest = db.session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == MailStatus.WAITING.value
        )
    )
    if oldest is not None:
        click.echo(f"The next waiting message is due at {oldest:%Y-%m-%d %H:%M} UTC.")


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_cli)
