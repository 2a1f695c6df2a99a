"""When a lead removes a supervisor (or deactivates one, or changes their role), what waited for
that supervisor goes back to the trainees: each trainee hears of it in one message, written with
the change, saying what went back and what to do, naming no one."""

from __future__ import annotations

import pytest

from tests.helpers import assign, fetch, make_entry, make_user, post, sign_in
from tests.mail.test_notices import assert_not_in, assert_told, only_message, opt_out, outbox
from tests.training.practice.conftest import serve_practice
from tests.training.practice.test_views import ANSWER, responses, send
from training.models import EntryStatus, HoursEntry, Role

SUBJECT = "Your supervisor has changed"
COURSES = "/learn/"


@pytest.fixture
def team(app, tmp_path):  # type: ignore[no-untyped-def]
    serve_practice(app, tmp_path)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, sam)
    return lead, sam, trainee


def remove(client, lead, trainee, supervisor):  # type: ignore[no-untyped-def]
    sign_in(client, lead)
    url = f"/lead/people/{trainee.id}/supervisors/{supervisor.id}/remove"
    return post(client, url, {}, follow_redirects=True)


def test_hours_and_practice_sent_back_are_told_in_one_message(client, team):
    lead, sam, trainee = team
    entries = [make_entry(trainee, sam, status="submitted") for _ in range(2)]
    sign_in(client, trainee)
    send(client)
    remove(client, lead, trainee, sam)
    assert all(fetch(HoursEntry, e.id).status == EntryStatus.RETURNED for e in entries)
    assert responses()[0].status == "returned"
    message = only_message("hours_decision")
    assert len(outbox()) == 1
    assert_told(message, trainee, "hours_decision", SUBJECT, "/hours/")
    for body in (message.text_body, message.html_body):
        assert "2 entries in your hours log that were waiting for sign-off" in body
        assert "choose your current supervisor and send it again" in body
        assert "One of your practice responses was waiting for review" in body
        assert "http://127.0.0.1:5000/learn/" in body
        assert "/practice/" not in body  # an exercise's address names its course
    assert_not_in(message, sam.name, lead.name, ANSWER, "no longer supervises", "R.S.")


def test_only_hours_when_another_supervisor_can_still_review_the_practice(client, team):
    lead, sam, trainee = team
    assign(trainee, make_user(Role.SUPERVISOR, name="Sky Supervisor"))
    make_entry(trainee, sam, status="submitted")
    sign_in(client, trainee)
    send(client)
    remove(client, lead, trainee, sam)
    assert responses()[0].status == "submitted"  # Sky can still review it
    message = only_message("hours_decision")
    assert "one entry in your hours log that was waiting for sign-off" in message.text_body
    assert "practice" not in message.text_body.split("\n--")[0]


def test_practice_alone_is_told_as_practice(client, team):
    lead, sam, trainee = team
    sign_in(client, trainee)
    send(client)
    remove(client, lead, trainee, sam)
    message = only_message("practice_decision")
    assert_told(message, trainee, "practice_decision", SUBJECT, COURSES)
    assert "hours log" not in message.text_body
    assert outbox("hours_decision") == []


def test_each_trainee_of_a_deactivated_supervisor_hears_once(client, team):
    lead, sam, riley = team
    blair = make_user(Role.TRAINEE, name="Blair Okafor")
    quiet = make_user(Role.TRAINEE, name="Quinn Nothing-Waiting")
    assign(blair, sam)
    assign(quiet, sam)
    for trainee in (riley, riley, blair):
        make_entry(trainee, sam, status="submitted")
    sign_in(client, lead)
    post(client, f"/lead/people/{sam.id}", {"name": sam.name, "role": "supervisor"})
    by_person = {m.user_id: m for m in outbox()}
    assert sorted(by_person) == sorted([riley.id, blair.id])  # nothing waited for Quinn
    assert "2 entries in your hours log" in by_person[riley.id].text_body
    assert "one entry in your hours log" in by_person[blair.id].text_body
    assert "Riley" not in by_person[blair.id].text_body


def test_a_trainee_hears_only_of_what_they_want(client, team):
    lead, sam, trainee = team
    opt_out(trainee, "hours_decision")
    make_entry(trainee, sam, status="submitted")
    sign_in(client, trainee)
    send(client)
    remove(client, lead, trainee, sam)
    message = only_message("practice_decision")
    assert "hours log" not in message.text_body and "practice response" in message.text_body
    opt_out(trainee, "practice_decision")
    other = make_user(Role.SUPERVISOR, name="Sky Supervisor")
    assign(trainee, other)
    make_entry(trainee, other, status="submitted")
    remove(client, lead, trainee, other)
    assert len(outbox()) == 1


def test_nothing_waiting_tells_no_one(client, team):
    lead, sam, trainee = team
    make_entry(trainee, sam, status="approved")
    make_entry(trainee, sam, status="draft")
    remove(client, lead, trainee, sam)
    assert outbox() == []
