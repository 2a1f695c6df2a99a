"""Notification settings: a person turns optional emails off and on again, from the settings
page or with the unsubscribe link of a message (a button, or a mail program's one-click POST);
required emails always go."""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from flask import current_app
from sqlalchemy import select

from tests.helpers import (
    as_user,
    html_of,
    in_app,
    make_user,
    post,
    race,
    race_app,
    sign_in,
    text_of,
)
from training.extensions import db
from training.mail import outbox
from training.mail.kinds import KINDS
from training.mail.models import MailOptOut, OutboxMessage
from training.mail.worker import send_due
from training.models import AuditEvent, Role, User

TRAINEE_OPTIONAL = [
    "hours_decision",
    "practice_decision",
    "certificate",
    "renewal_due",
    "outside_decision",
]
TRAINEE_KINDS = [KINDS[kind].label for kind in TRAINEE_OPTIONAL]
DIGEST = KINDS["supervisor_digest"].label
WEEKLY = KINDS["lead_weekly"].label


def opted_out(user: User) -> set[str]:
    with in_app():
        return set(db.session.scalars(select(MailOptOut.kind).where(MailOptOut.user_id == user.id)))


def audited(action: str) -> list[AuditEvent]:
    with in_app():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return events


@contextmanager
def in_request():
    """An app and request context, as the views that queue messages run in."""
    with in_app(), current_app.test_request_context():
        yield


def unsubscribed(kind: str) -> list[AuditEvent]:
    """The audit events of unsubscribing from ``kind`` with a message's link."""
    return [e for e in audited("unsubscribed from emails") if (e.comment or "").startswith(kind)]


def queued(user: User, kind: str, *, keep: bool = False) -> bool:
    """Whether ``outbox.queue`` writes a message of ``kind`` for ``user`` now (committed if
    ``keep``, else rolled back)."""
    with in_request():
        person = db.session.get(User, user.id)
        message = outbox.queue(person, kind, "password_reset", "A test", link="x", lasts="1 hour")
        if keep:
            db.session.commit()
        else:
            db.session.rollback()
        return message is not None


def save_settings(client, wanted: list[str]):
    return post(client, "/account/notifications", {"wanted": wanted})


def path(url: str) -> str:
    return urlsplit(url).path


# --- the settings page -----------------------------------------------------------------------


def test_the_settings_page_needs_signing_in(client):
    page = client.get("/account/notifications")
    assert page.status_code == 302
    assert "/login" in page.headers["Location"]


@pytest.mark.parametrize(
    ("role", "offered", "not_offered"),
    [
        (Role.TRAINEE, TRAINEE_KINDS, [DIGEST, WEEKLY]),
        (Role.SUPERVISOR, [DIGEST], [*TRAINEE_KINDS, WEEKLY]),
        (Role.LEAD, [WEEKLY], [*TRAINEE_KINDS, DIGEST]),
    ],
)
def test_each_role_is_offered_its_own_optional_emails(client, role, offered, not_offered):
    sign_in(client, make_user(role))
    page = client.get("/account/notifications")
    # the labels finish the sentence, in a list under it
    listed = re.search(r"<legend>Email me when:</legend>.*?<ul>(.*?)</ul>", html_of(page), re.S)
    for label in offered:
        assert label in listed.group(1)
    for label in not_offered:
        assert label not in text_of(page)
    assert "Always sent, because they are about your account:" in text_of(page)
    assert f"when {KINDS['password_reset'].label}" in text_of(page)


def test_the_account_menu_links_to_the_settings(client):
    sign_in(client, make_user())
    assert 'href="/account/notifications"' in client.get("/account/password").get_data(as_text=True)


def test_every_optional_email_starts_on_and_is_shown_ticked(client):
    user = make_user()
    sign_in(client, user)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert html.count("checked") == len(TRAINEE_OPTIONAL)
    assert all(queued(user, kind) for kind in TRAINEE_OPTIONAL)


def test_turning_an_email_off_and_on_again(client):
    user = make_user()
    sign_in(client, user)
    keep = [k for k in TRAINEE_OPTIONAL if k != "hours_decision"]
    saved = save_settings(client, keep)
    assert saved.status_code == 302
    assert "Saved" in text_of(client.get(saved.headers["Location"]))
    assert opted_out(user) == {"hours_decision"}
    assert not queued(user, "hours_decision")
    assert queued(user, "practice_decision")
    html = client.get("/account/notifications").get_data(as_text=True)
    assert html.count("checked") == len(TRAINEE_OPTIONAL) - 1

    save_settings(client, TRAINEE_OPTIONAL)
    assert opted_out(user) == set()
    assert queued(user, "hours_decision")
    events = audited("notification settings changed")
    assert [e.comment for e in events] == [
        f"Turned off: {KINDS['hours_decision'].label}.",
        f"Turned on: {KINDS['hours_decision'].label}.",
    ]
    assert {e.actor_id for e in events} == {user.id}


def test_turning_every_email_off(client):
    user = make_user()
    sign_in(client, user)
    assert save_settings(client, []).status_code == 302
    assert opted_out(user) == set(TRAINEE_OPTIONAL)
    assert not any(queued(user, kind) for kind in TRAINEE_OPTIONAL)
    assert queued(user, "password_reset")  # required: always goes


def test_saving_twice_is_harmless_and_audited_once(client):
    user = make_user()
    sign_in(client, user)
    assert save_settings(client, ["certificate"]).status_code == 302
    assert save_settings(client, ["certificate"]).status_code == 302
    assert opted_out(user) == set(TRAINEE_OPTIONAL) - {"certificate"}
    assert len(audited("notification settings changed")) == 1


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        yield app


def test_two_tabs_saving_at_once_both_succeed(racing):
    app = racing
    user = make_user()
    save = (lambda c: save_settings(c, ["renewal_due"]),) * 2
    outcomes = race(app, *(as_user(user, action) for action in save))
    assert [o.split()[0] for o in outcomes] == ["302", "302"], outcomes
    assert opted_out(user) == set(TRAINEE_OPTIONAL) - {"renewal_due"}


def test_a_required_email_cannot_be_turned_off_from_the_page(client):
    user = make_user()
    sign_in(client, user)
    refused = save_settings(client, [*TRAINEE_OPTIONAL, "password_reset"])
    assert refused.status_code == 200
    assert opted_out(user) == set()
    assert queued(user, "password_reset")
    # and another role's kind is not offered either
    save_settings(client, ["lead_weekly"])
    assert "lead_weekly" not in opted_out(user)


# --- the unsubscribe link --------------------------------------------------------------------


def unsubscribe_link(user: User, kind: str) -> str:
    with in_app():
        return path(outbox.unsubscribe_url(user, kind))


def test_an_optional_message_carries_a_working_unsubscribe_link(client):
    user = make_user()
    with in_request():
        person = db.session.get(User, user.id)
        message = outbox.queue(
            person, "certificate", "password_reset", "A", link="x", lasts="1 hour"
        )
        db.session.commit()
        link = path(message.list_unsubscribe)
        assert link in message.text_body
    assert client.get(link).status_code == 200
    assert client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert opted_out(user) == {"certificate"}


def test_opening_the_link_asks_first_and_changes_nothing(client):
    user = make_user()
    page = client.get(unsubscribe_link(user, "practice_decision"))
    assert page.status_code == 200
    label = KINDS["practice_decision"].label
    assert f"Stop emails when {label}?" in text_of(page)
    assert "Stop these emails" in text_of(page)
    assert opted_out(user) == set()
    assert unsubscribed("practice_decision") == []


def test_the_button_turns_that_email_off_without_signing_in(client):
    user = make_user()
    link = unsubscribe_link(user, "practice_decision")
    client.get(link)
    done = post(client, link)
    assert done.status_code == 200
    page = text_of(done)
    assert f"“Email me when {KINDS['practice_decision'].label}” is now turned off" in page
    assert "notification settings" in page
    assert 'href="/account/notifications"' in done.get_data(as_text=True)
    assert opted_out(user) == {"practice_decision"}
    assert not queued(user, "practice_decision")
    assert queued(user, "hours_decision")
    [event] = unsubscribed("practice_decision")
    assert (event.actor_id, event.subject_id) == (user.id, user.id)
    # opening the link again says it is off already
    assert "turned off already" in text_of(client.get(link))


def test_a_mail_programs_one_click_post_works_without_a_csrf_token(client):
    user = make_user()
    link = unsubscribe_link(user, "renewal_due")
    for _ in range(2):  # a provider may send it twice
        done = client.post(link, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200
    assert opted_out(user) == {"renewal_due"}
    assert len(unsubscribed("renewal_due")) == 1


def test_a_post_with_neither_a_csrf_token_nor_one_click_changes_nothing(client):
    user = make_user()
    refused = client.post(unsubscribe_link(user, "renewal_due"), data={})
    assert refused.status_code == 400
    assert opted_out(user) == set()


def test_a_bad_or_tampered_link_is_not_valid(client):
    user = make_user()
    good = unsubscribe_link(user, "certificate")
    head, _, tail = good.rpartition("/")
    tampered = f"{head}/{tail[:-1]}{'A' if tail[-1] != 'A' else 'B'}"
    for link in ("/unsubscribe/not-a-token", tampered):
        for answer in (client.get(link), client.post(link, data={"List-Unsubscribe": "One-Click"})):
            assert answer.status_code == 404
            assert "This link is not valid" in text_of(answer)
    assert opted_out(user) == set()


def test_a_required_email_has_no_unsubscribe_link(client):
    user = make_user()
    with in_app():
        # signed with the real key, but naming a required kind: refused all the same
        link = path(outbox.unsubscribe_url(user, "password_reset"))
    assert client.get(link).status_code == 404
    assert client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert opted_out(user) == set()


def test_the_settings_page_turns_an_unsubscribed_email_on_again(client):
    user = make_user()
    client.post(unsubscribe_link(user, "certificate"), data={"List-Unsubscribe": "One-Click"})
    assert not queued(user, "certificate")
    sign_in(client, user)
    save_settings(client, TRAINEE_OPTIONAL)
    assert queued(user, "certificate")


def test_messages_waiting_in_the_outbox_for_the_lead_when_no_mail_is_configured(client):
    """Without SMTP, what a person still wants waits in the outbox; what they turned off is
    never written."""
    user = make_user()
    client.post(unsubscribe_link(user, "hours_decision"), data={"List-Unsubscribe": "One-Click"})
    with in_request():
        person = db.session.get(User, user.id)
        for kind in ("hours_decision", "practice_decision"):
            outbox.queue(person, kind, "password_reset", "A", link="x", lasts="1 hour")
        db.session.commit()
        kinds = list(db.session.scalars(select(OutboxMessage.kind)))
    assert kinds == ["practice_decision"]


def test_the_list_unsubscribe_header_of_a_sent_email_turns_that_kind_off(app, client, smtp):
    """End to end: the worker sends an optional message through a real SMTP server; the mail
    program's one-click POST to its List-Unsubscribe address stops that kind only."""
    user = make_user()
    assert queued(user, "certificate", keep=True)
    with app.app_context():
        assert send_due().sent == 1
    [received] = smtp.to(user.email)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = received["List-Unsubscribe"].strip("<>")
    assert address.startswith("http://127.0.0.1:5000/unsubscribe/")
    assert client.post(path(address), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not queued(user, "certificate")
    assert queued(user, "renewal_due")
