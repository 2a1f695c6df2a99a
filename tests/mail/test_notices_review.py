"""With MAIL_DIGEST_HOURS = 0 a supervisor hears at once, by email, that something new waits for
them (hours sent for their sign-off, a practice response of a trainee of theirs); otherwise the
periodic digest tells them and nothing is written here. No trainee is named."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.helpers import assign, fetch, in_app, make_entry, make_user, post, sign_in, text_of
from tests.mail.test_notices import assert_not_in, assert_told, opt_out, outbox
from tests.training.practice.conftest import serve_practice
from tests.training.practice.test_views import ANSWER, responses, send
from training.extensions import db
from training.models import HoursEntry, Role, User

HOURS_SUBJECT = "Hours are waiting for your sign-off"
PRACTICE_SUBJECT = "A practice response is waiting for your review"
QUEUE = "/supervise/"


@pytest.fixture
def team(app, tmp_path):  # type: ignore[no-untyped-def]
    serve_practice(app, tmp_path)
    app.config["MAIL_DIGEST_HOURS"] = 0
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    sky = make_user(Role.SUPERVISOR, name="Sky Supervisor", credential="CPRS 2")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, sam)
    assign(trainee, sky)
    return sam, sky, trainee


def submit_hours(client, *entries):  # type: ignore[no-untyped-def]
    return post(client, "/hours/submit", {"entry": [str(e.id) for e in entries]})


def test_a_practice_response_is_told_to_each_supervisor_of_the_trainee(client, team):
    sam, sky, trainee = team
    sign_in(client, trainee)
    send(client)
    messages = outbox("supervisor_digest")
    assert sorted(m.user_id for m in messages) == sorted([sam.id, sky.id])
    for message in messages:
        person = sam if message.user_id == sam.id else sky
        assert_told(message, person, "supervisor_digest", PRACTICE_SUBJECT, QUEUE)
        assert f"{QUEUE}#practice" in message.text_body and f"{QUEUE}#practice" in message.html_body
        assert "A trainee sent a practice response for your review." in message.text_body
        assert "Open practice to review" in message.html_body
        assert "Open your Sign-off queue" not in message.html_body  # only what was sent
        assert_not_in(message, trainee.name, "Riley", ANSWER, "invisible")


def test_hours_are_told_once_to_the_supervisor_they_were_sent_to(client, team):
    sam, _sky, trainee = team
    entries = [make_entry(trainee, sam) for _ in range(2)]
    sign_in(client, trainee)
    assert "Submitted 2 entries" in text_of(client.get(submit_hours(client, *entries).location))
    [message] = outbox("supervisor_digest")
    assert_told(message, sam, "supervisor_digest", HOURS_SUBJECT, QUEUE)
    assert "A trainee sent hours for your sign-off." in message.text_body
    assert "Open your Sign-off queue" in message.html_body
    assert_not_in(message, "Riley", "R.S.", "boundary", "#practice", "Open practice")


def test_only_the_supervisors_of_the_entries_just_sent_are_told(client, team):
    """An entry already waiting for one supervisor is not told again when the trainee sends
    another to someone else."""
    sam, sky, trainee = team
    make_entry(trainee, sam, status="submitted")  # waiting for Sam since before
    for_sky = make_entry(trainee, sky)
    sign_in(client, trainee)
    submit_hours(client, for_sky)
    assert [m.user_id for m in outbox("supervisor_digest")] == [sky.id]
    for_both = [make_entry(trainee, sam), make_entry(trainee, sky), make_entry(trainee, sam)]
    submit_hours(client, *for_both)
    told = [m.user_id for m in outbox("supervisor_digest")]
    assert sorted(told) == sorted([sky.id, sam.id, sky.id])  # each once for the second send


def test_no_one_is_told_with_a_digest_period_set(client, app, team):
    sam, _sky, trainee = team
    app.config["MAIL_DIGEST_HOURS"] = 24
    sign_in(client, trainee)
    entry = make_entry(trainee, sam)
    submit_hours(client, entry)
    send(client)
    assert fetch(HoursEntry, entry.id).status == "submitted" and len(responses()) == 1
    assert outbox() == []


def test_inactive_and_opted_out_supervisors_are_not_told(client, team):
    sam, sky, trainee = team
    opt_out(sam, "supervisor_digest")
    with in_app():
        db.session.execute(update(User).where(User.id == sky.id).values(active=False))
        db.session.commit()
    sign_in(client, trainee)
    send(client)
    entry = make_entry(trainee, sam)
    submit_hours(client, entry)
    assert fetch(HoursEntry, entry.id).status == "submitted" and len(responses()) == 1
    assert outbox() == []


def test_a_submission_that_is_refused_tells_no_one(client, team):
    trainee = team[2]
    loner = make_user(Role.TRAINEE, name="Lone Trainee")
    former = make_user(Role.SUPERVISOR, name="Former Supervisor")
    sign_in(client, loner)
    assert send(client).status_code == 400  # no supervisor: nothing to review it
    entry = make_entry(trainee, former)  # names a supervisor no longer assigned
    sign_in(client, trainee)
    page = text_of(client.get(submit_hours(client, entry).location))
    assert "was not submitted" in page
    assert outbox() == []
