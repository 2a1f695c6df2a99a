"""The email a person receives: plain text and HTML, from the program, with the headers mail
clients and providers look for (one-click unsubscribe on optional messages only), sent over a
real SMTP connection; and what happens when the server will not let us log in or talk TLS."""

from __future__ import annotations

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.helpers import make_user
from tests.mail.sending import attempts_of, outbox, queue_message, run_worker
from tests.smtp_server import SMTPServer, _Handler
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
    assert received["From"] == f"{PROGRAM} <noreply@127.0.0.1>"
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
    assert smtp.envelopes == [("noreply@127.0.0.1", ["sam@example.org"])]


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
