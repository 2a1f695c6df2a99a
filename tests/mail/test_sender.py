"""The email a person receives: plain text and HTML, from the program, with the headers mail
clients and providers look for (one-click unsubscribe on optional messages only), sent over a
real SMTP connection; and what happens when the server will not let us log in or talk TLS."""

from __future__ import annotations

import email_validator
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.helpers import app_config, make_user
from tests.mail.sending import attempts_of, due_now, outbox, queue_message, run_worker
from tests.smtp_server import SMTPServer, _Handler
from training import ConfigurationError, create_app
from training.mail import sender
from training.mail.models import MailStatus
from training.mail.outbox import unsubscribe_url
from training.models import Role

PROGRAM = "Peer Support Training Program"
PUBLIC = "http://127.0.0.1:5000"


def _parts(received):  # type: ignore[no-untyped-def]
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    return text, html


def test_a_message_has_a_plain_text_part_then_html_from_the_program(app, smtp):
    trainee = make_user(Role.TRAINEE, name="Sam Rivera", email="sam@example.org")
    queue_message(trainee, "test", "Email works")

    assert run_worker(app).sent == 1

    [received] = smtp.to("sam@example.org")
    assert received["To"] == "sam@example.org"
    assert received["Subject"] == f"Email works – {PROGRAM}"
    assert received["From"] == f"{PROGRAM} <noreply@[127.0.0.1]>"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Date"]
    assert received["Message-ID"].endswith("@127.0.0.1>")
    assert received.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in received.iter_parts()] == ["text/plain", "text/html"]
    text, html = _parts(received)
    for body in (text, html):
        assert "Hello Sam Rivera," in body
        assert f"This is a test message from {PROGRAM}: email works." in body
        assert PROGRAM in body and PUBLIC in body
    assert "<a href=" in html and "<a href=" not in text
    assert smtp.envelopes == [("noreply@[127.0.0.1]", ["sam@example.org"])]


def test_a_required_message_has_no_unsubscribe_header(app, smtp):
    queue_message(make_user(Role.TRAINEE, email="trainee@example.org"), "test")
    run_worker(app)

    [received] = smtp.to("trainee@example.org")
    assert received["List-Unsubscribe"] is None
    assert received["List-Unsubscribe-Post"] is None
    assert "always sent" in _parts(received)[0]


def test_an_optional_message_offers_one_click_unsubscribe(app, smtp):
    trainee = make_user(Role.TRAINEE, email="riley@example.org")
    queue_message(trainee, "hours_decision")
    run_worker(app)

    [received] = smtp.to("riley@example.org")
    with app.test_request_context():
        link = unsubscribe_url(trainee, "hours_decision")
    assert link.startswith(f"{PUBLIC}/")
    assert received["List-Unsubscribe"] == f"<{link}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = _parts(received)
    assert link in text and link in html


def test_a_bare_sender_address_is_shown_with_the_program_name(app, smtp):
    app.config["MAIL_DEFAULT_SENDER"] = "training@example.org"
    queue_message(make_user(Role.TRAINEE, email="trainee@example.org"))
    run_worker(app)

    [received] = smtp.messages
    assert received["From"] == f"{PROGRAM} <training@example.org>"
    assert smtp.envelopes[0][0] == "training@example.org"


def test_a_sender_with_its_own_name_is_kept(app, smtp):
    app.config["MAIL_DEFAULT_SENDER"] = "Recovery Coach Academy <coach@example.org>"
    queue_message(make_user(Role.TRAINEE, email="trainee@example.org"))
    run_worker(app)

    [received] = smtp.messages
    assert received["From"] == "Recovery Coach Academy <coach@example.org>"
    assert smtp.envelopes[0][0] == "coach@example.org"


def test_starttls_the_server_does_not_offer_keeps_messages_waiting(app, smtp):
    app.config["MAIL_USE_TLS"] = True
    message_id = queue_message(make_user(Role.TRAINEE))

    summary = run_worker(app)

    assert (summary.sent, summary.retried) == (0, 1)
    assert smtp.messages == []
    assert outbox(message_id).status == MailStatus.WAITING
    [attempt] = attempts_of(message_id)
    assert attempt.outcome == "retry" and "does not offer STARTTLS" in attempt.error


class _RefusingLogins(SMTPServer):
    """An SMTP server that offers AUTH (without TLS, for the test) and refuses every login."""

    def __init__(self) -> None:
        super().__init__()
        self.tried: list[str] = []

    def start(self) -> _RefusingLogins:
        self._controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._refuse,
            auth_require_tls=False,
        )
        self._controller.start()
        return self

    def _refuse(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        self.tried.append(mechanism)
        return AuthResult(success=False, handled=False)


def test_a_refused_login_keeps_messages_waiting_and_never_records_the_password(app):
    with _RefusingLogins() as server:
        app.config.update(
            server.settings(),
            MAIL_USERNAME="training",
            MAIL_PASSWORD="correct horse battery staple",
        )
        message_id = queue_message(make_user(Role.TRAINEE))
        summary = run_worker(app)

    assert server.tried  # it did try to log in
    assert (summary.sent, summary.retried, summary.failed) == (0, 1, 0)
    message = outbox(message_id)
    assert message.status == MailStatus.WAITING
    [attempt] = attempts_of(message_id)
    assert attempt.outcome == "retry"
    assert "refused the user name or password" in attempt.error
    assert "535" in attempt.error
    for text in (attempt.error, message.last_error, *summary.problems):
        assert "correct horse" not in text


def test_one_click_unsubscribe_goes_out_as_written_however_long_the_link(app, smtp):
    """Mail providers read ``List-Unsubscribe`` as written: a long link must not be folded or
    encoded (RFC 2047) on the wire, where Python's own parser would hide it."""
    trainee = make_user(Role.TRAINEE, email="riley@example.org")
    queue_message(trainee, "hours_decision")
    run_worker(app)

    with app.test_request_context():
        link = unsubscribe_url(trainee, "hours_decision")
    assert len(f"List-Unsubscribe: <{link}>") > 78  # longer than a folded line
    [raw] = smtp.raw
    lines = raw.splitlines()
    assert f"List-Unsubscribe: <{link}>".encode() in lines
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines


def test_with_a_reply_to_address_every_message_says_replies_reach_the_program(app, smtp):
    app.config["MAIL_REPLY_TO"] = "Program office <office@example.org>"
    queue_message(make_user(Role.TRAINEE, email="sam@example.org"))
    queue_message(make_user(Role.TRAINEE, email="riley@example.org"), "hours_decision")
    run_worker(app)

    for address in ("sam@example.org", "riley@example.org"):
        [received] = smtp.to(address)
        assert received["Reply-To"] == "Program office <office@example.org>"
        for body in _parts(received):
            assert "Questions? Reply to this email and it reaches the program." in body


def test_without_a_reply_to_address_there_is_no_reply_to(app, smtp):
    queue_message(make_user(Role.TRAINEE, email="sam@example.org"))
    run_worker(app)

    [received] = smtp.messages
    assert received["Reply-To"] is None
    assert "Questions?" not in _parts(received)[0]


@pytest.mark.parametrize("kind", ["test", "hours_decision"])
def test_the_plain_text_signature_is_standard_and_has_no_stray_blank_lines(app, smtp, kind):
    app.config["MAIL_REPLY_TO"] = "office@example.org"
    queue_message(make_user(Role.TRAINEE, email="sam@example.org"), kind)
    run_worker(app)

    text = _parts(smtp.messages[0])[0]
    lines = text.splitlines()
    assert "-- " in lines  # the signature separator mail programs recognise: dash dash space
    assert "\n\n\n" not in text
    footer = lines[lines.index("-- ") :]
    assert "" not in footer, footer  # the footer is one block
    assert footer[1:3] == [PROGRAM, PUBLIC]


def test_an_address_with_an_international_domain_is_sent_to_its_ascii_form(app, smtp):
    queue_message(make_user(Role.TRAINEE, email="ana@exämple.org"))

    assert run_worker(app).sent == 1

    assert smtp.envelopes[0][1] == ["ana@xn--exmple-cua.org"]
    assert smtp.messages[0]["To"] == "ana@xn--exmple-cua.org"


def test_a_non_ascii_address_goes_to_a_server_that_offers_smtputf8(app, smtp):
    queue_message(make_user(Role.TRAINEE, email="josé@example.org"))

    assert run_worker(app).sent == 1
    assert smtp.envelopes[0][1] == ["josé@example.org"]


class _WithoutSMTPUTF8(SMTPServer):
    """An SMTP server that takes only ASCII addresses (it does not offer SMTPUTF8)."""

    def start(self) -> _WithoutSMTPUTF8:
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=False
        )
        self._controller.start()
        return self


def test_an_address_the_server_cannot_take_fails_at_once_and_the_rest_go(app):
    """Retrying would not help: the server cannot take a non-ASCII mailbox name."""
    with _WithoutSMTPUTF8() as server:
        app.config.update(server.settings())
        refused = queue_message(make_user(Role.TRAINEE, email="josé@example.org"))
        fine = queue_message(make_user(Role.TRAINEE, email="sam@example.org"))
        summary = run_worker(app)

    assert (summary.sent, summary.retried, summary.failed) == (1, 0, 1)
    message = outbox(refused)
    assert (message.status, message.attempts) == (MailStatus.FAILED, 1)
    [attempt] = attempts_of(refused)
    assert attempt.outcome == "failed"
    assert "cannot take the address josé@example.org" in attempt.error
    assert "SMTPUTF8" in attempt.error
    assert outbox(fine).status == MailStatus.SENT
    assert [m["To"] for m in server.messages] == ["sam@example.org"]


class _RefusingSenders(SMTPServer):
    """An SMTP server that refuses the envelope sender (MAIL FROM) with ``reply``."""

    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply

    def start(self) -> _RefusingSenders:
        reply = self.reply

        class Handler(_Handler):
            async def handle_MAIL(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
                return reply

        self._controller = Controller(Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self


@pytest.mark.parametrize("reply", ["553 Sender address not verified", "451 Try again later"])
def test_a_refused_sender_address_keeps_every_message_waiting(app, reply):
    """The sender is the program's own setting, the same for every message: a refusal is a
    set-up to fix, not a reason to give any message up, however often it happens."""
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    with _RefusingSenders(reply) as server:
        app.config.update(server.settings())
        ids = [queue_message(make_user(Role.TRAINEE)) for _ in range(2)]
        summaries = []
        for _ in range(3):
            due_now(*ids)
            summaries.append(run_worker(app))

    assert [(s.sent, s.retried, s.failed) for s in summaries] == [(0, 2, 0)] * 3
    assert reply in summaries[0].problems[0]
    for message_id in ids:
        message = outbox(message_id)
        assert (message.status, message.attempts) == (MailStatus.WAITING, 0)
        assert message.last_error.endswith(
            f"refused the sender address noreply@[127.0.0.1] (MAIL_DEFAULT_SENDER): {reply}"
        )
        assert [a.outcome for a in attempts_of(message_id)] == ["retry"] * 3


def test_a_refused_login_never_gives_a_message_up(app):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    with _RefusingLogins() as server:
        app.config.update(server.settings(), MAIL_USERNAME="training", MAIL_PASSWORD="wrong")
        message_id = queue_message(make_user(Role.TRAINEE))
        for _ in range(3):
            due_now(message_id)
            assert run_worker(app).failed == 0

    message = outbox(message_id)
    assert (message.status, message.attempts) == (MailStatus.WAITING, 0)
    assert [a.outcome for a in attempts_of(message_id)] == ["retry"] * 3


# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("False", False),
        ("false", False),
        ("0", False),
        ("no", False),
        ("NO", False),
        (False, False),
        (0, False),
        ("True", True),
        ("TRUE", True),
        ("1", True),
        ("Yes", True),
        (True, True),
        (1, True),
    ],
)
def test_tls_and_ssl_switches_read_as_people_write_them(written, read):
    for setting in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        app = create_app(app_config(**{setting: written}))
        assert app.config[setting] is read


def test_a_capitalised_false_from_the_environment_turns_tls_off(monkeypatch):
    """Flask reads FLASK_* variables as JSON: ``False`` is not JSON, so it arrives as text."""
    monkeypatch.setenv("FLASK_MAIL_USE_TLS", "False")
    monkeypatch.setenv("FLASK_MAIL_USE_SSL", "True")
    config = app_config()
    del config["MAIL_USE_TLS"], config["MAIL_USE_SSL"]

    app = create_app(config)

    assert (app.config["MAIL_USE_TLS"], app.config["MAIL_USE_SSL"]) == (False, True)


def test_a_switch_that_is_neither_true_nor_false_stops_the_app():
    with pytest.raises(ConfigurationError, match="FLASK_MAIL_USE_SSL must be true or false"):
        create_app(app_config(MAIL_USE_SSL="sometimes"))


def test_tls_and_ssl_together_stop_the_app():
    with pytest.raises(ConfigurationError, match="not both"):
        create_app(app_config(MAIL_USE_TLS="true", MAIL_USE_SSL="yes"))


def test_a_reply_to_that_is_no_address_stops_the_app():
    with pytest.raises(ConfigurationError, match="FLASK_MAIL_REPLY_TO"):
        create_app(app_config(MAIL_REPLY_TO="the office"))


@pytest.mark.parametrize(
    ("public", "expected"),
    [
        ("https://training.example.org", "noreply@training.example.org"),
        ("http://192.0.2.7:8000", "noreply@[192.0.2.7]"),
        ("http://[2001:db8::1]:8000", "noreply@[IPv6:2001:db8::1]"),
    ],
)
def test_the_default_sender_is_a_valid_address_whatever_the_public_address(public, expected):
    """Without MAIL_DEFAULT_SENDER the sender is noreply@ the public host; an IP address there
    is written as an address literal, which mail servers accept (a bare IP is not a domain)."""
    config = {"PUBLIC_BASE_URL": public, "PROGRAM_NAME": PROGRAM, "MAIL_DEFAULT_SENDER": ""}
    address = sender.sender(config)[1]
    assert address == expected
    email_validator.validate_email(
        address, check_deliverability=False, allow_domain_literal=True, test_environment=False
    )
