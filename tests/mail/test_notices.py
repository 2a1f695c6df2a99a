"""A trainee hears by email when a supervisor signs off their hours (one message for one
approval, however many entries), returns an entry, or a lead withdraws a sign-off: the message
is written with the change, names no comment or note, and links to the page. Also the helpers
the other notice tests share."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.helpers import (
    as_user,
    assign,
    fetch,
    in_app,
    make_entry,
    make_user,
    post,
    race,
    race_app,
    save,
    sign_in,
    text_of,
)
from training.extensions import db
from training.mail.models import MailOptOut, MailStatus, OutboxMessage
from training.models import HoursEntry, Role, User

BASE = "http://127.0.0.1:5000"
NOTES = "Talked about a boundary question with R.S."
COMMENT = "Which domains did R.S. and you cover?"


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    """The messages written so far (of ``kind``), oldest first, read fresh."""
    with in_app():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def only_message(kind: str) -> OutboxMessage:
    messages = outbox(kind)
    assert len(messages) == 1, [m.subject for m in messages]
    return messages[0]


def assert_told(message: OutboxMessage, person: User, kind: str, subject: str, path: str) -> None:
    """The message is for ``person``, of ``kind``, with ``subject`` (and the program's name),
    greets them, and links to ``path`` on the public address in both its parts."""
    assert (message.kind, message.user_id, message.to_address) == (kind, person.id, person.email)
    assert message.subject == f"{subject} – Peer Support Training Program"
    for body in (message.text_body, message.html_body):
        assert f"Hello {person.name}," in body
        assert f"{BASE}{path}" in body
        assert "Peer Support Training Program" in body


def assert_not_in(message: OutboxMessage, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in message.subject
        assert secret not in message.text_body and secret not in message.html_body


def opt_out(person: User, kind: str) -> None:
    save(MailOptOut(user_id=person.id, kind=kind))


@pytest.fixture
def team(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    return supervisor, trainee


def approve(client, *entries):  # type: ignore[no-untyped-def]
    data = {"entry": [str(e.id) for e in entries], "attest": "yes"}
    return post(client, "/supervise/approve", data, follow_redirects=True)


def test_one_approval_of_several_entries_sends_one_message_with_the_count(client, team):
    supervisor, trainee = team
    entries = [make_entry(trainee, supervisor, status="submitted") for _ in range(3)]
    sign_in(client, supervisor)
    assert "Approved 3 entries" in text_of(approve(client, *entries))
    message = only_message("hours_decision")
    assert_told(message, trainee, "hours_decision", "Your hours were signed off", "/hours/")
    for body in (message.text_body, message.html_body):
        assert "Your supervisor signed off 3 entries in your hours log. Well done!" in body
        assert "Open My hours" in body
    assert_not_in(message, NOTES, "R.S.", supervisor.name)
    assert message.list_unsubscribe  # optional: it can be turned off


def test_an_approval_for_two_trainees_tells_each_their_own(client, team):
    supervisor, riley = team
    blair = make_user(Role.TRAINEE, name="Blair Okafor")
    assign(blair, supervisor)
    entries = [
        make_entry(riley, supervisor, status="submitted"),
        make_entry(blair, supervisor, status="submitted"),
        make_entry(riley, supervisor, status="submitted"),
    ]
    sign_in(client, supervisor)
    approve(client, *entries)
    by_person = {m.user_id: m for m in outbox("hours_decision")}
    assert set(by_person) == {riley.id, blair.id}
    assert "signed off 2 entries in your hours log" in by_person[riley.id].text_body
    assert "signed off one entry in your hours log" in by_person[blair.id].text_body
    assert "Riley" not in by_person[blair.id].text_body


def test_a_message_already_picked_up_is_sent_as_it_was_and_the_rest_get_their_own(app, team):
    """Between two entries of one approval a worker may claim the first message: it goes as
    written, and what follows is told in a new one, so nothing is told twice or lost."""
    from training.mail.notices import SignedOff

    supervisor, trainee = team
    first, second, third = (make_entry(trainee, supervisor, status="approved") for _ in range(3))
    with app.app_context():  # as the demo does it: no request
        signed_off = SignedOff()
        signed_off.add(db.session.get(HoursEntry, first.id))
        db.session.commit()
        db.session.execute(update(OutboxMessage).values(status=MailStatus.SENDING))
        db.session.commit()
        signed_off.add(db.session.get(HoursEntry, second.id))
        db.session.commit()
        signed_off.add(db.session.get(HoursEntry, third.id))
        db.session.commit()
    told = [(m.status, m.text_body.split("\n")[2]) for m in outbox("hours_decision")]
    assert told == [
        ("sending", "Your supervisor signed off one entry in your hours log. Well done!"),
        ("waiting", "Your supervisor signed off 2 entries in your hours log. Well done!"),
    ]


def test_a_returned_entry_links_to_it_without_the_comment(client, team):
    supervisor, trainee = team
    entry = make_entry(trainee, supervisor, status="submitted")
    sign_in(client, supervisor)
    post(client, f"/supervise/{entry.id}/return", {"comment": COMMENT})
    assert fetch(HoursEntry, entry.id).status == "returned"
    message = only_message("hours_decision")
    subject = "Please take another look at an hours entry"
    assert_told(message, trainee, "hours_decision", subject, f"/hours/{entry.id}")
    assert "sent one of your hours entries back to you with a comment" in message.text_body
    assert "This is a normal part of getting hours signed off." in message.text_body
    assert_not_in(message, "returned", "correct")
    assert_not_in(message, COMMENT, "Which domains", NOTES)


def test_a_withdrawn_sign_off_is_told_without_the_reason(client, team):
    supervisor, trainee = team
    entry = make_entry(trainee, supervisor, status="approved")
    sign_in(client, make_user(Role.LEAD))
    post(client, f"/lead/hours/{entry.id}/void", {"reason": "Signed for the wrong day."})
    assert fetch(HoursEntry, entry.id).status == "returned"
    message = only_message("hours_decision")
    subject = "One of your hours entries needs another look"
    assert_told(message, trainee, "hours_decision", subject, f"/hours/{entry.id}")
    assert "reasons that have nothing to do with you" in message.text_body
    assert_not_in(message, "wrong day", "Signed for", "withdrawn", "correct")


def test_a_trainee_who_turned_hours_messages_off_gets_none(client, team):
    supervisor, trainee = team
    opt_out(trainee, "hours_decision")
    one, two = (make_entry(trainee, supervisor, status="submitted") for _ in range(2))
    sign_in(client, supervisor)
    approve(client, one)
    post(client, f"/supervise/{two.id}/return", {"comment": COMMENT})
    assert fetch(HoursEntry, one.id).status == "approved"
    assert fetch(HoursEntry, two.id).status == "returned"
    assert outbox() == []


def test_an_approval_or_return_that_changes_nothing_writes_nothing(client, team):
    supervisor, trainee = team
    entry = make_entry(trainee, supervisor, status="submitted")
    sign_in(client, supervisor)
    approve(client, entry)
    assert "already acted on" in text_of(approve(client, entry))
    returned = post(client, f"/supervise/{entry.id}/return", {"comment": COMMENT})
    assert returned.status_code == 303
    assert len(outbox("hours_decision")) == 1
    draft = make_entry(trainee, supervisor, status="draft")
    assert "already acted on" in text_of(approve(client, draft))
    assert len(outbox()) == 1


def test_a_supervisor_who_may_not_sign_changes_nothing_and_writes_nothing(client, team):
    supervisor, trainee = team
    entry = make_entry(trainee, supervisor, status="submitted")
    sign_in(client, make_user(Role.SUPERVISOR, name="Sid Elsewhere"))
    assert "not in your queue" in text_of(approve(client, entry))
    assert fetch(HoursEntry, entry.id).status == "submitted" and outbox() == []


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        yield app


def test_two_tabs_approving_at_once_send_one_message(racing):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, status="submitted")
    data = {"entry": [str(entry.id)], "attest": "yes"}
    race(
        racing,
        as_user(supervisor, lambda c: post(c, "/supervise/approve", data)),
        as_user(supervisor, lambda c: post(c, "/supervise/approve", data)),
    )
    message = only_message("hours_decision")
    assert "signed off one entry in your hours log" in message.text_body
