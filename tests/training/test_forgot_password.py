""" "Forgot your password?": offered only when mail is configured; the same answer whatever
the address; one emailed link that works once and expires; throttled per client address and
per email address."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from tests.helpers import (
    PASSWORD,
    app_with_database,
    count,
    in_app,
    make_user,
    post,
    text_of,
)
from tests.smtp_server import SMTPServer
from training.extensions import db
from training.mail.models import OutboxMessage
from training.mail.worker import send_due
from training.models import AuditEvent, PasswordReset, ResetPurpose, User, utcnow

MAIL = {"MAIL_SERVER": "smtp.example.org"}
NEW_PASSWORD = "walrus ginger harbour lamp"
SAME_ANSWER = (
    "If an account uses that address, an email with a link to set a new password is on its way "
    "there. You can use the link once, within 1 hour. Check your spam folder"
)


@pytest.fixture
def mail_app():
    with app_with_database(**MAIL) as app:
        yield app


def browser(app, address="10.2.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def ask(client, email):
    return post(client, "/forgot", {"email": email})


def messages() -> list[OutboxMessage]:
    with in_app():
        found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return found


def emailed_path(message: OutboxMessage) -> str:
    """The path of the password link in a message (the link is absolute, to the public address)."""
    line = next(w for w in message.text_body.split() if "/reset/" in w)
    return urlsplit(line).path


def test_without_mail_the_page_is_not_there_and_sign_in_says_to_ask_the_lead(client):
    assert client.get("/forgot").status_code == 404
    assert ask(client, "someone@example.org").status_code == 404
    assert client.get("/forgot/sent").status_code == 404
    page = client.get("/login")
    assert "/forgot" not in page.get_data(as_text=True)
    assert "Your program lead can give you a new one" in text_of(page)
    assert count(OutboxMessage) == 0


def test_with_mail_the_sign_in_page_offers_it(mail_app):
    client = mail_app.test_client()
    page = client.get("/login")
    assert 'href="/forgot"' in page.get_data(as_text=True)
    assert "Forgot your password?" in text_of(page)
    form = client.get("/forgot")
    assert form.status_code == 200
    assert (
        "Type the email address you sign in with. We will send a link to that address for you "
        "to set a new password."
    ) in text_of(form)


def test_the_answer_is_the_same_whether_or_not_an_account_uses_the_address(mail_app):
    known = make_user(email="known@example.org")
    make_user(email="gone@example.org", active=False)
    answers = []
    for email in ("known@example.org", "nobody@example.org", "gone@example.org"):
        client = browser(mail_app)
        asked = ask(client, email)
        shown = client.get(asked.headers["Location"])
        answers.append((asked.status_code, asked.headers["Location"], shown.status_code))
        assert SAME_ANSWER in text_of(shown)
        answers[-1] += (shown.get_data(as_text=True),)
    assert len(set(answers)) == 1
    assert answers[0][:3] == (302, "/forgot/sent", 200)
    assert count(User) == 2  # the unknown address's stand-in left nothing behind
    # only the active account gets a message, and only it is audited
    [message] = messages()
    assert (message.to_address, message.kind, message.sensitive) == (
        "known@example.org",
        "password_reset",
        True,
    )
    with in_app():
        emailed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "password reset link emailed")
        ).all()
        assert [(e.subject_type, e.subject_id) for e in emailed] == [("user", known.id)]
        reset = db.session.scalars(select(PasswordReset)).one()
        assert (reset.user_id, reset.purpose, reset.created_by_id) == (
            known.id,
            ResetPurpose.FORGOT,
            None,
        )


def test_the_address_is_matched_whatever_its_case_and_spaces(mail_app):
    make_user(email="riley@example.org")
    assert ask(browser(mail_app), "  Riley@Example.ORG ").status_code == 302
    assert [m.to_address for m in messages()] == ["riley@example.org"]


def test_the_message_says_what_to_do_and_never_holds_more(mail_app):
    make_user(email="sam@example.org", name="Sam Rivera")
    ask(browser(mail_app), "sam@example.org")
    [message] = messages()
    assert message.subject.startswith("Set a new password")
    assert message.list_unsubscribe is None  # a required message: it always goes
    for body in (message.text_body, message.html_body):
        assert "Hello Sam Rivera" in body
        assert "http://127.0.0.1:5000/reset/" in body  # the public address, never the request's
        assert "We received a request to set a new password for your account." in body
        assert "You can use the link once, within 1 hour." in body
        assert "If you did not ask for this, you can ignore this email" in body
        assert "your password is unchanged" in body


def test_the_emailed_link_sets_a_new_password_once(mail_app):
    user = make_user(email="alex@example.org")
    ask(browser(mail_app), user.email)
    link = emailed_path(messages()[0])
    client = mail_app.test_client()
    assert client.get(link).status_code == 200
    chosen = post(client, link, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert chosen.status_code == 302
    signed_in = post(client, "/login", {"email": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    again = mail_app.test_client().get(link)
    assert again.status_code == 404
    assert "This link no longer works" in text_of(again)


def test_the_emailed_link_expires_after_the_configured_minutes(mail_app):
    user = make_user(email="jo@example.org")
    ask(browser(mail_app), user.email)
    link = emailed_path(messages()[0])
    with in_app():
        reset = db.session.scalars(select(PasswordReset)).one()
        assert timedelta(minutes=59) < reset.expires_at - utcnow() <= timedelta(minutes=60)
        db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    client = mail_app.test_client()
    assert client.get(link).status_code == 404
    refused = post(client, link, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 404
    kept = post(client, "/login", {"email": user.email, "password": PASSWORD})
    assert kept.status_code == 302  # the password is unchanged


def test_a_new_request_makes_the_earlier_link_stop_working_and_withdraws_its_message(mail_app):
    user = make_user(email="kim@example.org")
    ask(browser(mail_app), user.email)
    first = emailed_path(messages()[0])
    ask(browser(mail_app), user.email)
    [waiting] = messages()  # the earlier message, its link dead, is no longer sent
    second = emailed_path(waiting)
    client = mail_app.test_client()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    post(client, second, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert messages() == []  # used: nothing waits to send it


def test_a_new_request_leaves_a_message_being_sent_to_the_worker(mail_app):
    user = make_user(email="lou@example.org")
    ask(browser(mail_app), user.email)
    with in_app():
        db.session.execute(update(OutboxMessage).values(status="sending"))
        db.session.commit()
    ask(browser(mail_app), user.email)
    assert [m.status for m in messages()] == ["sending", "waiting"]


def test_a_form_without_an_address_asks_for_one_and_sends_nothing(mail_app):
    refused = ask(browser(mail_app), "")
    assert refused.status_code == 200
    assert "Enter an email address." in text_of(refused)
    assert messages() == []


# --- throttling ----------------------------------------------------------------------------


def throttled_app(**limits):
    return app_with_database(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **MAIL, **limits
    )


def test_requests_for_one_email_address_are_throttled_from_any_network():
    with throttled_app(FORGOT_PASSWORD_PER_EMAIL="2 per hour") as app:
        make_user(email="pat@example.org")
        for n in range(2):
            assert ask(browser(app, f"10.3.0.{n}"), "pat@example.org").status_code == 302
        refused = ask(browser(app, "10.3.0.9"), "pat@example.org")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60 * 60
        assert (
            "sending links is paused for a while to keep accounts safe. You can try again in about"
            in text_of(refused)
        )
        assert count(PasswordReset) == 2  # no link made past the limit
        assert len(messages()) == 1  # (the newest link's: the earlier one no longer works)
        # another address is not held up by it
        assert ask(browser(app, "10.3.0.9"), "someone.else@example.org").status_code == 302


def test_requests_for_an_unknown_address_count_the_same():
    with throttled_app(FORGOT_PASSWORD_PER_EMAIL="2 per hour") as app:
        for n in range(2):
            assert ask(browser(app, f"10.4.0.{n}"), "nobody@example.org").status_code == 302
        assert ask(browser(app, "10.4.0.9"), "nobody@example.org").status_code == 429


def test_requests_from_one_network_are_throttled_whatever_the_address():
    with throttled_app(FORGOT_PASSWORD_PER_ADDRESS="3 per hour") as app:
        people = [make_user() for _ in range(4)]
        client = browser(app, "10.5.0.1")
        for person in people[:3]:
            assert ask(client, person.email).status_code == 302
        refused = ask(client, people[3].email)
        assert refused.status_code == 429
        assert "Many requests for password links" in text_of(refused)
        assert len(messages()) == 3
        assert ask(browser(app, "10.5.0.2"), people[3].email).status_code == 302


def test_a_form_that_checked_nothing_does_not_count():
    with throttled_app(FORGOT_PASSWORD_PER_ADDRESS="1 per hour") as app:
        client = browser(app, "10.6.0.1")
        assert ask(client, "").status_code == 200  # no address: nothing was looked up
        assert ask(client, "lee@example.org").status_code == 302


# --- end to end, through a real SMTP server -------------------------------------------------


def test_the_email_arrives_through_the_worker_and_its_link_works():
    with SMTPServer() as server, app_with_database(**server.settings()) as app:
        user = make_user(email="drew@example.org", name="Drew")
        ask(browser(app), user.email)
        ask(browser(app), "nobody@example.org")
        with app.app_context():
            assert send_due().sent == 1
        [received] = server.messages
        assert received["To"] == user.email
        assert received["Subject"].startswith("Set a new password")
        assert received["List-Unsubscribe"] is None  # a required message: no way to turn it off
        text = received.get_body(("plain",)).get_content()
        link = urlsplit(next(w for w in text.split() if "/reset/" in w)).path
        # once sent, the outbox no longer holds a working link
        assert link not in messages()[0].text_body
        client = app.test_client()
        post(client, link, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        signed_in = post(client, "/login", {"email": user.email, "password": NEW_PASSWORD})
        assert signed_in.status_code == 302


def test_how_long_the_link_works_is_said_in_words_from_the_setting():
    with app_with_database(**MAIL, FORGOT_PASSWORD_VALID_MINUTES=90) as app:
        make_user(email="ash@example.org")
        client = browser(app)
        shown = text_of(client.get(ask(client, "ash@example.org").headers["Location"]))
        assert "You can use the link once, within 1 hour 30 minutes." in shown
        [message] = messages()
        assert "You can use the link once, within 1 hour 30 minutes." in message.text_body
