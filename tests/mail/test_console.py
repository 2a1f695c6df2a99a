"""The lead's mail console: who may see it, what it counts and lists (never a message's
bodies), trying failed messages again, a test message, and the banner about the worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import (
    as_user,
    count,
    fetch,
    find,
    html_of,
    in_app,
    make_user,
    post,
    race,
    race_app,
    save,
    sign_in,
    text_of,
)
from tests.mail.sending import run_worker
from tests.smtp_server import SMTPServer
from training.extensions import db
from training.mail.kinds import KINDS
from training.mail.models import MailAttempt, MailStatus, OutboxMessage
from training.models import AuditEvent, Role

CONSOLE = "/lead/mail"
#: in every message's bodies: the console must never show it
SECRET = "BODY-MARKER-one-time-link-7f3a"


def message(to=None, status=MailStatus.WAITING, **fields) -> OutboxMessage:  # type: ignore[no-untyped-def]
    """A stored outbox message (to ``to``, a user, or to ``fields['to_address']``)."""
    values = {
        "kind": "hours_decision",
        "user_id": to.id if to else None,
        "to_address": to.email if to else "someone@example.org",
        "subject": "Your hours entry was accepted – Peer Support Training Program",
        "text_body": f"Hello. {SECRET}",
        "html_body": f"<p>Hello. {SECRET}</p>",
        "status": status,
        **fields,
    }
    stored = OutboxMessage(**values)
    save(stored)
    return stored


def attempt(of: OutboxMessage, outcome: str, at: datetime) -> None:
    save(MailAttempt(message_id=of.id, at=at, worker="host:1", outcome=outcome))


def read(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text as a person reads it (``text_of``); the console's break opportunities
    in addresses (``<wbr>``) are no spaces."""
    response.set_data(response.get_data(as_text=True).replace("<wbr>", ""))
    return text_of(response)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def lead(client):  # type: ignore[no-untyped-def]
    person = make_user(Role.LEAD, name="Lee Lead", email="lee@example.org")
    sign_in(client, person)
    return person


def audit_of(message_id: int) -> list[AuditEvent]:
    with in_app():
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.subject_type == "outbox_message", AuditEvent.subject_id == message_id
            )
        ).all()
        db.session.expunge_all()
        return list(events)


# --- who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_program_leads_may_open_or_use_the_console(client, role):
    failed = message(status=MailStatus.FAILED)
    sign_in(client, make_user(role))
    assert client.get(CONSOLE).status_code == 403
    assert post(client, f"{CONSOLE}/{failed.id}/try-again").status_code == 403
    assert post(client, f"{CONSOLE}/try-all-again").status_code == 403
    assert post(client, f"{CONSOLE}/test").status_code == 403
    assert fetch(OutboxMessage, failed.id).status == MailStatus.FAILED
    assert count(OutboxMessage) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(CONSOLE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_lead_navigation_links_to_the_console(client, lead):
    page = html_of(client.get("/lead/people"))
    assert f'href="{CONSOLE}"' in page
    assert 'aria-current="page">Mail<' in html_of(client.get(CONSOLE))


# --- what it shows -------------------------------------------------------------------------


def test_counts_and_lists_every_message_with_its_recipient_but_never_its_bodies(client, lead):
    riley = make_user(Role.TRAINEE, name="Riley Chen", email="riley@example.org")
    message(riley, MailStatus.WAITING)
    message(riley, MailStatus.WAITING, kind="certificate", subject="Your certificate is issued")
    message(riley, MailStatus.SENDING)
    message(riley, MailStatus.SENT, attempts=1, sent_at=now())
    message(
        to_address="gone@example.org",
        status=MailStatus.FAILED,
        attempts=12,
        last_error="550 <gone@example.org> mailbox unavailable",
    )

    page = read(client.get(CONSOLE))
    assert "Waiting 2 Being sent 1 Sent 1 Failed 1" in page
    assert "5 messages, newest first" in page
    assert "Riley Chen riley@example.org" in page
    assert "Your certificate is issued" in page
    assert KINDS["certificate"].label in page  # the kind, as the settings page names it
    assert "550 <gone@example.org> mailbox unavailable" in page  # escaped, as written
    assert "<gone@" not in client.get(CONSOLE).get_data(as_text=True)
    assert "Failed Try again" in page

    for status in ("", "waiting", "sending", "sent", "failed"):
        shown = client.get(CONSOLE, query_string={"status": status})
        assert shown.status_code == 200
        assert SECRET not in shown.get_data(as_text=True)


def test_filters_by_status(client, lead):
    message(to_address="waits@example.org")
    message(to_address="failed@example.org", status=MailStatus.FAILED)

    failed = read(client.get(CONSOLE, query_string={"status": "failed"}))
    assert "1 message, newest first" in failed
    assert "failed@example.org" in failed and "waits@example.org" not in failed
    # an unknown status is no filter
    assert "2 messages" in read(client.get(CONSOLE, query_string={"status": "bogus"}))


def test_a_waiting_message_shows_when_it_is_tried_next_and_how_often_it_was(client, lead):
    later = datetime(2031, 6, 1, 14, 5, tzinfo=UTC)
    message(to_address="retry@example.org", attempts=3, next_attempt_at=later)
    page = read(client.get(CONSOLE))
    assert "Waiting: next try 14:05 UTC on 1 June 2031 3" in page  # then the attempts


def test_search_by_address_and_pages_of_fifty_newest_first(client, lead):
    start = now() - timedelta(days=1)
    for n in range(52):
        message(to_address=f"trainee{n:02d}@example.org", created_at=start + timedelta(minutes=n))
    message(to_address="other_person@example.org")

    first = read(client.get(CONSOLE, query_string={"q": "TRAINEE"}))
    assert "52 messages" in first and "Page 1 of 2" in first
    assert "trainee51@example.org" in first and "trainee02@example.org" in first
    assert "trainee01@example.org" not in first and "other_person" not in first
    assert first.index("trainee51@") < first.index("trainee50@")  # newest first

    link = html_of(client.get(CONSOLE, query_string={"q": "trainee"}))
    assert "/lead/mail?page=2&amp;q=trainee" in link or "/lead/mail?page=2&q=trainee" in link
    second = read(client.get(CONSOLE, query_string={"q": "trainee", "page": 2}))
    assert "trainee01@example.org" in second and "trainee00@example.org" in second
    assert "trainee02@example.org" not in second

    assert "1 message," in read(client.get(CONSOLE, query_string={"q": "r_p"}))
    # "%" is the character, not a wildcard that matches everyone
    assert "No messages match" in read(client.get(CONSOLE, query_string={"q": "%"}))
    assert "No messages match" in read(client.get(CONSOLE, query_string={"q": "nobody"}))


# --- the banner ----------------------------------------------------------------------------


def test_without_mail_set_up_the_banner_says_messages_wait(app, client, lead):
    app.config["MAIL_SERVER"] = ""
    page = read(client.get(CONSOLE))
    assert "Email is not set up: messages wait here and nothing is sent" in page
    assert "See README → Mail" in page


def test_with_mail_set_up_the_banner_says_when_the_last_message_went(app, client, lead):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    assert "Email is set up. No message has been sent yet." in read(client.get(CONSOLE))

    sent = message(status=MailStatus.SENT)
    attempt(sent, "sent", now() - timedelta(hours=2))
    page = read(client.get(CONSOLE))
    assert "Email is set up. The last message was sent 2 hours ago." in page
    assert "not set up" not in page


def test_the_banner_tells_of_a_stopped_worker(app, client, lead):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    sent = message(status=MailStatus.SENT)
    attempt(sent, "sent", now() - timedelta(hours=3))
    for _ in range(12):
        message(next_attempt_at=now() - timedelta(hours=2))
    page = read(client.get(CONSOLE))
    assert "No message has been sent for 3 hours while 12 wait." in page
    assert "flask --app wsgi mail send" in page


def test_a_worker_that_never_ran_is_noticed_too(app, client, lead):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    message(next_attempt_at=now() - timedelta(hours=1))
    assert "No message has been sent yet while 1 waits." in read(client.get(CONSOLE))


def test_a_message_due_later_is_no_sign_of_a_stopped_worker(app, client, lead):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    retried = message(attempts=2, next_attempt_at=now() + timedelta(hours=1))
    attempt(retried, "retry", now() - timedelta(hours=5))
    page = read(client.get(CONSOLE))
    assert "No message has been sent for" not in page
    assert "The last try, 5 hours ago, did not go through: it will be tried again." in page


# --- trying again --------------------------------------------------------------------------


def test_trying_a_failed_message_again_makes_it_wait_once(client, lead):
    failed = message(status=MailStatus.FAILED, attempts=12, last_error="timed out")
    attempt(failed, "failed", now() - timedelta(hours=1))
    before = now()

    page = read(post(client, f"{CONSOLE}/{failed.id}/try-again", follow_redirects=True))
    assert "The message will be tried again." in page
    again = fetch(OutboxMessage, failed.id)
    assert again.status == MailStatus.WAITING
    assert again.attempts == 0  # its tries start afresh: the whole schedule again
    assert count(MailAttempt) == 1  # the history stays
    assert before - timedelta(seconds=1) <= again.next_attempt_at <= now()
    [event] = audit_of(failed.id)
    assert (event.actor_id, event.from_status, event.to_status) == (lead.id, "failed", "waiting")

    # the same form again (a second click, a second lead): nothing changes, and it says so
    page = read(post(client, f"{CONSOLE}/{failed.id}/try-again", follow_redirects=True))
    assert "That message was already tried again or sent, so nothing changed." in page
    assert len(audit_of(failed.id)) == 1


def test_a_message_tried_again_gets_every_retry_again(app, client, lead):
    """A lead tries a message again while the server still has a passing problem: it waits
    and is tried again later, as a new message would be, instead of failing at once."""
    trainee = make_user(Role.TRAINEE, email="sam@example.org")
    failed = message(trainee, status=MailStatus.FAILED, attempts=12)
    post(client, f"{CONSOLE}/{failed.id}/try-again")

    with SMTPServer() as server:
        app.config.update(server.settings())
        server.refuse_with("451 Try again later")
        run_worker(app)

    again = fetch(OutboxMessage, failed.id)
    assert (again.status, again.attempts) == (MailStatus.WAITING, 1)


def test_a_sent_message_is_never_made_to_wait_again(client, lead):
    sent = message(status=MailStatus.SENT, attempts=1)
    page = read(post(client, f"{CONSOLE}/{sent.id}/try-again", follow_redirects=True))
    assert "nothing changed" in page
    assert fetch(OutboxMessage, sent.id).status == MailStatus.SENT
    assert post(client, f"{CONSOLE}/99999/try-again").status_code == 404


def test_trying_all_failed_again(client, lead):
    failed = [message(status=MailStatus.FAILED, attempts=5) for _ in range(3)]
    sent = message(status=MailStatus.SENT)
    assert "Try all failed again (3)" in read(client.get(CONSOLE))

    page = read(post(client, f"{CONSOLE}/try-all-again", follow_redirects=True))
    assert "3 failed messages will be tried again." in page
    assert {fetch(OutboxMessage, m.id).status for m in failed} == {MailStatus.WAITING}
    assert {fetch(OutboxMessage, m.id).attempts for m in failed} == {0}
    assert fetch(OutboxMessage, sent.id).status == MailStatus.SENT
    assert all(len(audit_of(m.id)) == 1 for m in failed)
    assert "Try all failed again" not in page

    page = read(post(client, f"{CONSOLE}/try-all-again", follow_redirects=True))
    assert "No message has failed (they were already tried again), so nothing changed." in page
    assert all(len(audit_of(m.id)) == 1 for m in failed)


def test_trying_again_keeps_the_page_and_filters(client, lead):
    failed = message(status=MailStatus.FAILED)
    response = post(client, f"{CONSOLE}/{failed.id}/try-again?status=failed&q=someone&page=2")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "status=failed" in location and "q=someone" in location and "page=2" in location


@pytest.fixture
def racing(tmp_path):  # type: ignore[no-untyped-def]
    with race_app(tmp_path) as app:
        yield app


def test_two_leads_trying_the_same_message_at_once_retry_it_once(racing):
    lead, other = make_user(Role.LEAD), make_user(Role.LEAD)
    failed = message(status=MailStatus.FAILED)

    def retry(client):  # type: ignore[no-untyped-def]
        return post(client, f"{CONSOLE}/{failed.id}/try-again", follow_redirects=True)

    outcomes = race(racing, as_user(lead, retry), as_user(other, retry))
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert sum("will be tried again" in o for o in outcomes) == 1, outcomes
    assert sum("nothing changed" in o for o in outcomes) == 1, outcomes
    assert len(audit_of(failed.id)) == 1


def test_buttons_need_the_form_token(client, lead):
    failed = message(status=MailStatus.FAILED)
    assert client.post(f"{CONSOLE}/{failed.id}/try-again").status_code == 400
    assert client.post(f"{CONSOLE}/try-all-again").status_code == 400
    assert client.post(f"{CONSOLE}/test").status_code == 400
    assert fetch(OutboxMessage, failed.id).status == MailStatus.FAILED
    assert count(OutboxMessage) == 1


# --- the test message ----------------------------------------------------------------------


def test_send_me_a_test_message_queues_one_to_the_lead(app, client, lead):
    page = read(post(client, f"{CONSOLE}/test", follow_redirects=True))
    assert "A test message to lee@example.org is in the outbox." in page
    assert "Email is not set up, so it waits here." in page

    queued = find(OutboxMessage, kind="test")
    assert queued.to_address == "lee@example.org" and queued.user_id == lead.id
    assert queued.status == MailStatus.WAITING
    assert queued.subject.startswith("A test message")
    assert "email works" in queued.text_body and "email works" in queued.html_body
    assert "Peer Support Training Program" in queued.text_body
    assert queued.list_unsubscribe is None  # a required kind
    [event] = audit_of(queued.id)
    assert event.actor_id == lead.id
    assert "Lee Lead lee@example.org" in page  # listed, as waiting

    app.config["MAIL_SERVER"] = "smtp.example.org"
    page = read(post(client, f"{CONSOLE}/test", follow_redirects=True))
    assert "It goes out the next time the mail worker runs." in page
    assert count(OutboxMessage) == 2
