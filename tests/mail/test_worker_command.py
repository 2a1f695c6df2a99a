"""``flask --app wsgi mail send`` (``--once`` for a timer, or a loop stopped by SIGTERM) and
``mail status``, as an operator runs them."""

from __future__ import annotations

import logging
import os
import signal

import pytest

from tests.helpers import make_user
from tests.mail.sending import attempts_of, outbox, queue_message
from training.mail import cli, sender
from training.mail.models import MailStatus
from training.models import Role


def test_once_sends_what_is_due_and_says_so(app, smtp, runner):
    ids = [queue_message(make_user(Role.TRAINEE)) for _ in range(2)]

    result = runner.invoke(args=["mail", "send", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output == "Mail: sent 2, 0 to try again, 0 failed.\n"
    assert len(smtp.messages) == 2
    assert [outbox(i).status for i in ids] == [MailStatus.SENT] * 2


def test_once_with_nothing_due_prints_nothing(app, smtp, runner):
    result = runner.invoke(args=["mail", "send", "--once"])

    assert (result.exit_code, result.output) == (0, "")


def test_once_while_the_server_is_down_says_why(app, smtp, runner):
    message_id = queue_message(make_user(Role.TRAINEE))
    smtp.stop()

    result = runner.invoke(args=["mail", "send", "--once"])

    assert result.exit_code == 0
    assert "sent 0, 1 to try again, 0 failed." in result.output
    assert f"could not connect to 127.0.0.1:{smtp.port}" in result.output
    assert outbox(message_id).status == MailStatus.WAITING


def test_without_mail_configured_the_command_refuses_and_messages_wait(app, runner):
    message_id = queue_message(make_user(Role.TRAINEE))

    result = runner.invoke(args=["mail", "send", "--once"])

    assert result.exit_code == 1
    assert "Mail is not configured: set FLASK_MAIL_SERVER" in result.output
    assert "/lead/mail" in result.output
    assert outbox(message_id).status == MailStatus.WAITING
    assert attempts_of(message_id) == []


def test_sigterm_stops_the_worker_after_the_message_being_sent(app, smtp, runner, monkeypatch):
    first, second = (queue_message(make_user(Role.TRAINEE)) for _ in range(2))
    send = sender.Connection.send

    def send_then_get_stopped(connection, message):  # type: ignore[no-untyped-def]
        send(connection, message)
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd stops the service

    monkeypatch.setattr(sender.Connection, "send", send_then_get_stopped)
    previous = signal.getsignal(signal.SIGTERM)

    result = runner.invoke(args=["mail", "send", "--interval", "3600"])

    assert result.exit_code == 0, result.output
    assert len(smtp.messages) == 1
    assert outbox(first).status == MailStatus.SENT
    waiting = outbox(second)
    assert (waiting.status, waiting.attempts, waiting.claim_token) == (MailStatus.WAITING, 0, None)
    assert signal.getsignal(signal.SIGTERM) == previous  # the usual handler is back


def test_the_loop_carries_on_after_a_pass_that_failed(app, smtp, runner, monkeypatch):
    message_id = queue_message(make_user(Role.TRAINEE))
    passes = []
    send_due = cli.send_due

    def flaky_pass(**options):  # type: ignore[no-untyped-def]
        passes.append(1)
        if len(passes) == 1:
            raise RuntimeError("the database went away\nmore detail")
        summary = send_due(**options)
        os.kill(os.getpid(), signal.SIGTERM)
        return summary

    monkeypatch.setattr(cli, "send_due", flaky_pass)

    result = runner.invoke(args=["mail", "send", "--interval", "0.01"])

    assert result.exit_code == 0
    assert "Mail: the pass stopped on an error: the database went away\n" in result.output
    assert "Mail: sent 1, 0 to try again, 0 failed." in result.output
    assert outbox(message_id).status == MailStatus.SENT


def test_status_counts_the_outbox(app, smtp, runner):
    for _ in range(2):
        queue_message(make_user(Role.TRAINEE))
    runner.invoke(args=["mail", "send", "--once"])
    queue_message(make_user(Role.TRAINEE))

    result = runner.invoke(args=["mail", "status"])

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        f"Mail goes through 127.0.0.1:{smtp.port} (plain), "
        "from Peer Support Training Program <noreply@[127.0.0.1]>."
    )
    assert lines[1:5] == ["waiting  1", "sending  0", "sent     2", "failed   0"]
    assert lines[5].startswith("The next waiting message is due at ")


def test_status_without_mail_configured_says_so(app, runner):
    result = runner.invoke(args=["mail", "status"])

    assert result.exit_code == 0
    assert result.output.startswith("Mail is not configured")
    assert "waiting  0" in result.output


def test_a_login_without_tls_is_warned_of_once(app, smtp, runner, caplog, monkeypatch):
    app.config.update(MAIL_USERNAME="training", MAIL_PASSWORD="secret")
    passes = []
    send_due = cli.send_due

    def two_passes(**options):  # type: ignore[no-untyped-def]
        passes.append(1)
        if len(passes) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return send_due(**options)

    monkeypatch.setattr(cli, "send_due", two_passes)
    with caplog.at_level(logging.WARNING, logger="training.mail"):
        result = runner.invoke(args=["mail", "send", "--interval", "0.01"])

    assert result.exit_code == 0, result.output
    assert len(passes) == 2
    warnings = [r.getMessage() for r in caplog.records if "in the clear" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert "MAIL_USE_TLS or MAIL_USE_SSL" in warnings[0]


@pytest.mark.parametrize(
    "settings",
    [{"MAIL_USE_TLS": True}, {"MAIL_USE_SSL": True}, {"MAIL_USERNAME": ""}],
)
def test_no_warning_with_tls_or_without_a_login(app, smtp, runner, caplog, settings):
    app.config.update({"MAIL_USERNAME": "training", **settings})
    with caplog.at_level(logging.WARNING, logger="training.mail"):
        runner.invoke(args=["mail", "send", "--once"])

    assert not [r for r in caplog.records if "in the clear" in r.getMessage()]
