"""A trainee hears by email when a supervisor accepts their practice response or asks for
another try, with a link to the exercise and none of the feedback or ratings."""

from __future__ import annotations

import pytest

from tests.helpers import (
    as_user,
    assign,
    make_user,
    race,
    race_app,
    sign_in,
)
from tests.mail.test_notices import assert_not_in, assert_told, only_message, opt_out, outbox
from tests.training.practice.conftest import serve_practice
from tests.training.practice.test_views import ALL_MET, ANSWER, responses, review, send
from training.models import Role

FEEDBACK = "Try naming the feeling Dana expressed before anything else."
EXERCISE_PAGE = "/practice/basics/reflect-dana"


@pytest.fixture
def people(app, tmp_path):  # type: ignore[no-untyped-def]
    serve_practice(app, tmp_path)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    return {"supervisor": supervisor, "trainee": trainee}


def _sent(client, people):  # type: ignore[no-untyped-def]
    sign_in(client, people["trainee"])
    send(client)
    [response] = responses()
    sign_in(client, people["supervisor"])
    return response


def test_an_accepted_response_is_told_with_a_link_to_the_exercise(client, people):
    response = _sent(client, people)
    review(client, response, "accept", "Lovely reflection of Dana.")
    assert responses()[0].status == "accepted"
    message = only_message("practice_decision")
    subject = "Your practice response was accepted"
    assert_told(message, people["trainee"], "practice_decision", subject, EXERCISE_PAGE)
    assert "accepted your response to a practice exercise. Well done!" in message.text_body
    assert_not_in(message, "Lovely", "Dana", ANSWER, "Names a feeling", "Sam Supervisor")
    assert_not_in(message, "Basics", "course")  # a course's title could tell of a recovery


def test_a_returned_response_is_told_without_the_feedback(client, people):
    response = _sent(client, people)
    review(client, response, "return", FEEDBACK, **{"c-0": "not_yet", "c-1": "met", "c-2": "met"})
    assert responses()[0].status == "returned"
    message = only_message("practice_decision")
    subject = "Your supervisor asked for another try at a practice exercise"
    assert_told(message, people["trainee"], "practice_decision", subject, EXERCISE_PAGE)
    assert "Their feedback is on the exercise page" in message.text_body
    assert_not_in(message, FEEDBACK, "Try naming", "not yet", "Not yet", "Basics", "course")


def test_a_trainee_who_turned_practice_messages_off_gets_none(client, people):
    opt_out(people["trainee"], "practice_decision")
    response = _sent(client, people)
    review(client, response, "accept")
    assert responses()[0].status == "accepted"
    assert outbox("practice_decision") == []


def test_a_review_that_is_refused_or_comes_too_late_writes_nothing(client, people):
    response = _sent(client, people)
    refused = review(client, response, "return", "  ")  # feedback is required to return
    assert refused.status_code == 400 and outbox("practice_decision") == []
    review(client, response, "accept")
    late = review(client, response, "return", FEEDBACK)
    assert late.status_code == 303 and responses()[0].status == "accepted"
    assert len(outbox("practice_decision")) == 1


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        serve_practice(app, tmp_path / "content")
        yield app


def test_two_supervisors_deciding_at_once_send_one_message(racing):
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    first = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    second = make_user(Role.SUPERVISOR, name="Sky Supervisor")
    assign(trainee, first)
    assign(trainee, second)
    client = racing.test_client()
    sign_in(client, trainee)
    send(client)
    [response] = responses()
    not_yet = {"c-0": "not_yet", "c-1": "met", "c-2": "met"}
    race(
        racing,
        as_user(first, lambda c: review(c, response, "accept", **ALL_MET)),
        as_user(second, lambda c: review(c, response, "return", FEEDBACK, **not_yet)),
    )
    status = responses()[0].status
    message = only_message("practice_decision")
    assert ("accepted" in message.subject) == (status == "accepted")
    assert_not_in(message, FEEDBACK)
