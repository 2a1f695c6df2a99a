"""Undoing an approval takes back the email that told the trainee of it: while no mail worker
has picked the email up, the undo withdraws it (and the trainee hears only of the entries
still signed off); once one has (it is being sent, or was), the trainee gets a short email
saying the entry is being looked at again. A worker claiming the email at the moment of the
undo ends in one of those two, never neither nor both. Trainees' emails go one by one whatever
MAIL_DIGEST_HOURS says (the digest is the supervisors'), so the same holds in both modes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.helpers import (
    TEST_DATABASE_URL,
    assign,
    fetch,
    in_app,
    make_entry,
    make_user,
    post,
    save,
    sign_in,
    text_of,
)
from tests.smtp_server import SMTPServer
from training.extensions import db
from training.mail import notices, worker
from training.mail.models import MailOptOut, MailStatus, OutboxMessage
from training.models import EntryStatus, HoursEntry, Role, utcnow

SIGNATURE = " – Peer Support Training Program"
SIGNED_OFF = f"Your hours were signed off{SIGNATURE}"
LOOKED_AT_AGAIN = (
    "Your supervisor is taking another look at an hours entry – Peer Support Training Program"
)
NOTES = "Talked about a boundary question with R.S."
TOLD, IN_LOG = "Your supervisor signed off", "in your hours log. Well done!"


@pytest.fixture
def smtp(app) -> Iterator[SMTPServer]:  # type: ignore[no-untyped-def]
    with SMTPServer() as server:
        app.config.update(server.settings())
        yield server


@pytest.fixture
def team(app):  # type: ignore[no-untyped-def]
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    alex = make_user(Role.TRAINEE, name="Alex Trainee")
    assign(alex, supervisor)
    return supervisor, alex


def approve(client, supervisor, trainee, entries: int = 1):  # type: ignore[no-untyped-def]
    """Entries the supervisor approves in one go through the queue, as they would."""
    made = [make_entry(trainee, supervisor, "submitted") for _ in range(entries)]
    sign_in(client, supervisor)
    data = {"entry": [str(e.id) for e in made], "attest": "yes", "page": "1"}
    assert "Approved " in text_of(post(client, "/supervise/approve", data, follow_redirects=True))
    return made


def undo(client, entry) -> None:  # type: ignore[no-untyped-def]
    answer = post(client, f"/supervise/{entry.id}/undo", {"next": "/supervise/"})
    assert "is undone" in text_of(client.get(answer.headers["Location"]))
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def outbox() -> list[tuple[str, str, str]]:
    """(subject, status, first line of the text) of each message, oldest first."""
    with in_app():
        return [
            (m.subject, m.status, m.text_body.split("\n")[2])
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def send(app) -> None:  # type: ignore[no-untyped-def]
    """One pass of the mail worker, as the command runs it."""
    with app.app_context():
        worker.send_due()


def body(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("digest_hours", [0, 24])
def test_undoing_before_the_email_went_withdraws_it_and_the_trainee_gets_none(
    app, client, team, smtp, digest_hours
):
    app.config["MAIL_DIGEST_HOURS"] = digest_hours
    supervisor, alex = team
    (entry,) = approve(client, supervisor, alex)
    assert [subject for subject, _, _ in outbox()] == [SIGNED_OFF]
    undo(client, entry)
    assert outbox() == []  # withdrawn; and the undo tells nobody anything
    send(app)
    assert smtp.to(alex.email) == []


def test_undoing_one_of_several_leaves_one_email_telling_of_the_others(app, client, team, smtp):
    supervisor, alex = team
    first, second, third = approve(client, supervisor, alex, entries=3)
    undo(client, second)
    assert outbox() == [
        (
            SIGNED_OFF,
            "waiting",
            "Your supervisor signed off 2 entries in your hours log. Well done!",
        )
    ]
    undo(client, first)
    assert outbox() == [
        (
            SIGNED_OFF,
            "waiting",
            "Your supervisor signed off one entry in your hours log. Well done!",
        )
    ]
    send(app)
    (received,) = smtp.to(alex.email)
    assert "signed off one entry in your hours log" in body(received)
    assert fetch(HoursEntry, third.id).status == EntryStatus.APPROVED


def test_once_the_email_was_sent_the_trainee_is_told_the_entry_is_looked_at_again(
    app, client, team, smtp
):
    supervisor, alex = team
    (entry,) = approve(client, supervisor, alex)
    send(app)
    assert [m["Subject"] for m in smtp.to(alex.email)] == [SIGNED_OFF]
    undo(client, entry)
    assert [(subject, status) for subject, status, _ in outbox()] == [
        (SIGNED_OFF, "sent"),  # kept, as sent
        (LOOKED_AT_AGAIN, "waiting"),
    ]
    send(app)
    assert [m["Subject"] for m in smtp.to(alex.email)] == [SIGNED_OFF, LOOKED_AT_AGAIN]
    looked_at = smtp.to(alex.email)[1]
    text = body(looked_at)
    assert text.startswith("Hello Alex Trainee,")
    assert "Your supervisor has taken back their sign-off of one of your hours entries" in text
    assert "You don't need to do anything." in text
    assert f"http://127.0.0.1:5000/hours/{entry.id}" in text
    assert "Sam Supervisor" not in text and NOTES not in text and "R.S." not in text


def _claim_first(message_id: int) -> None:
    """A worker claims the message, with its own conditional UPDATE, in this transaction: as
    if its claim were committed just before the undo's withdrawal (which then sees it)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, worker._due(utcnow()))
        .values(
            status=MailStatus.SENDING,
            claim_token="the other worker",
            claimed_until=utcnow() + timedelta(minutes=15),
        )
        .execution_options(synchronize_session=False)
    )


def test_a_worker_claiming_the_email_at_the_moment_of_the_undo_sends_it_and_the_follow_up(
    client, team, monkeypatch
):
    supervisor, alex = team
    (entry,) = approve(client, supervisor, alex)
    withdraw = notices._withdrawn

    def claimed_meanwhile(message_id: int) -> bool:
        _claim_first(message_id)
        return withdraw(message_id)

    monkeypatch.setattr(notices, "_withdrawn", claimed_meanwhile)
    undo(client, entry)
    assert [(subject, status) for subject, status, _ in outbox()] == [
        (SIGNED_OFF, "sending"),  # the worker's: it goes, as claimed
        (LOOKED_AT_AGAIN, "waiting"),  # and the trainee is told it no longer stands
    ]


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs real concurrent connections (PostgreSQL)")
def test_a_worker_claiming_from_its_own_connection_at_the_moment_of_the_undo(
    app, client, team, monkeypatch, smtp
):
    supervisor, alex = team
    (entry,) = approve(client, supervisor, alex)
    withdraw = notices._withdrawn
    claimed: list[int] = []

    def claimed_meanwhile(message_id: int) -> bool:
        with app.app_context():  # the worker: a session and connection of its own, committed
            claimed.extend(c.id for c in worker._claim([message_id], utcnow()))
        return withdraw(message_id)

    monkeypatch.setattr(notices, "_withdrawn", claimed_meanwhile)
    undo(client, entry)
    assert len(claimed) == 1
    assert [(subject, status) for subject, status, _ in outbox()] == [
        (SIGNED_OFF, "sending"),
        (LOOKED_AT_AGAIN, "waiting"),
    ]


def test_a_trainee_who_turned_these_emails_off_gets_none_either_way(app, client, team, smtp):
    supervisor, alex = team
    save(MailOptOut(user_id=alex.id, kind="hours_decision"))
    (entry,) = approve(client, supervisor, alex)
    undo(client, entry)
    assert outbox() == []


# --- a lead's void ------------------------------------------------------------------------------


def void(app, entry) -> None:  # type: ignore[no-untyped-def]
    lead = make_user(Role.LEAD, name="Lee Lead")
    client = app.test_client()
    sign_in(client, lead)
    answer = post(client, f"/lead/hours/{entry.id}/void", {"reason": "Logged twice."})
    assert answer.status_code in (302, 303)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.RETURNED


def test_a_leads_void_withdraws_the_unsent_signed_off_email_and_says_to_look_again(
    app, client, team
):
    """A void is the other way a sign-off stops standing: the trainee is not told 'signed off'
    by an email still waiting, only that the entry needs another look."""
    supervisor, alex = team
    [entry] = approve(client, supervisor, alex)
    void(app, entry)
    subjects = [subject for subject, _, _ in outbox()]
    assert SIGNED_OFF not in subjects
    assert subjects == [
        "One of your hours entries needs another look – Peer Support Training Program"
    ]


def test_a_void_of_one_entry_keeps_the_email_for_the_others_approved_with_it(app, client, team):
    supervisor, alex = team
    first, _second = approve(client, supervisor, alex, entries=2)
    void(app, first)
    told = [(subject, line) for subject, _, line in outbox() if subject == SIGNED_OFF]
    assert len(told) == 1 and "signed off one entry" in told[0][1], told


# --- an approval of another entry writing the email again at the moment of the undo -----------


def _next_entry_approved(trainee_id: int, entry_id: int, message_id: int) -> None:
    """What the approval of the next entry in the same action does to the waiting email
    (``SignedOff.add``): withdraws it and writes it again naming both sign-offs, a new key."""
    key = db.session.get(OutboxMessage, message_id).dedupe_key
    signed_off = notices.SignedOff()
    signed_off._written[trainee_id] = (message_id, 1, sorted(notices._named_by(key)))
    signed_off.add(db.session.get(HoursEntry, entry_id))


def _someone_elses_email_after(app, supervisor) -> None:  # type: ignore[no-untyped-def]
    """An email of another trainee, written after Alex's, so that an email written again gets
    a new id on SQLite too (which gives a new row the highest id plus one, reusing a deleted
    one's), as it always does on PostgreSQL."""
    bo = make_user(Role.TRAINEE, name="Bo Trainee")
    assign(bo, supervisor)
    approve(app.test_client(), supervisor, bo)


def outbox_of(user) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """``outbox()``, of the user's messages only."""
    with in_app():
        return [
            (m.subject, m.status, m.text_body.split("\n")[2])
            for m in db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.user_id == user.id)
                .order_by(OutboxMessage.id)
            )
        ]


def test_an_approval_writing_the_email_again_at_the_moment_of_the_undo_is_followed(
    app, client, team, monkeypatch, smtp
):
    """The undo read the email naming its sign-off; an approval of another entry replaced it
    (committed, on PostgreSQL from its own connection) before the undo's withdrawal. The undo
    finds the new email and takes its sign-off out: the trainee hears "signed off" of the other
    entry only, and not "taking another look" about an entry no email told them of."""
    supervisor, alex = team
    (undone,) = approve(client, supervisor, alex)
    other = make_entry(alex, supervisor, "approved")
    _someone_elses_email_after(app, supervisor)
    withdraw = notices._withdrawn
    replaced: list[int] = []

    def replaced_meanwhile(message_id: int) -> bool:
        if not replaced:
            replaced.append(message_id)
            if TEST_DATABASE_URL:
                with app.app_context():  # the approval: a connection of its own, committed
                    _next_entry_approved(alex.id, other.id, message_id)
                    db.session.commit()
            else:
                _next_entry_approved(alex.id, other.id, message_id)
        return withdraw(message_id)

    monkeypatch.setattr(notices, "_withdrawn", replaced_meanwhile)
    undo(client, undone)
    assert replaced
    assert outbox_of(alex) == [
        (
            SIGNED_OFF,
            "waiting",
            "Your supervisor signed off one entry in your hours log. Well done!",
        )
    ]
    send(app)
    assert [m["Subject"] for m in smtp.to(alex.email)] == [SIGNED_OFF]


def test_an_email_written_again_on_every_look_ends_in_the_follow_up(app, client, team, monkeypatch):
    """Should the email be replaced at every look (it cannot be for long: an approval writes
    it once per entry), the undo stops after a few looks and tells the trainee the entry is
    looked at again, rather than leave them believing it signed off."""
    supervisor, alex = team
    (undone,) = approve(client, supervisor, alex)
    withdraw = notices._withdrawn
    looks: list[int] = []

    def replaced_every_time(message_id: int) -> bool:
        """The email written again under its key, as a new row (a new id: it is written
        before the old one is deleted)."""
        looks.append(message_id)
        message = db.session.get(OutboxMessage, message_id)
        again = OutboxMessage(
            user_id=alex.id,
            kind=message.kind,
            to_address=message.to_address,
            subject=message.subject,
            text_body=message.text_body,
            html_body=message.html_body,
        )
        db.session.add(again)
        db.session.flush()
        key, message.dedupe_key = message.dedupe_key, None
        db.session.flush()
        again.dedupe_key = key
        db.session.flush()
        db.session.delete(message)
        db.session.flush()
        return withdraw(message_id)

    monkeypatch.setattr(notices, "_withdrawn", replaced_every_time)
    undo(client, undone)
    assert len(looks) == notices.TAKE_BACK_LOOKS
    assert [(subject, status) for subject, status, _ in outbox_of(alex)] == [
        (SIGNED_OFF, "waiting"),
        (LOOKED_AT_AGAIN, "waiting"),
    ]
