"""What a review shows. Until the trainee passes: the score, the pass mark, the modules the
attempt asked about (links to reread them) and the hints of every question asked, as a list not
tied to questions; never a question's verdict, the trainee's answers or the key, not even after
the last attempt (a lead may grant more). After a pass: everything, with the labels the attempt
showed. ``review = "after_final"`` also opens everything after the last attempt."""

from __future__ import annotations

import re

import pytest

from tests.helpers import html_of, make_user, post, sign_in, text_of
from tests.training.learning.quiz_course import (
    KEY,
    PROMPTS,
    age_attempts,
    answers,
    questions_of,
    serve,
    start,
    take,
)
from training.models import Role

HINTS = [
    "Reread how a reflection names what the person feels.",
    "Reread what you do while the person speaks.",
    "Reread the list of feeling words.",
    "Reread what saying no does for the relationship.",
]
EXPLANATIONS = [
    "Naming the feeling you heard is a reflection.",
    "You can reflect only what you listened to.",
    "Lonely and hopeful are feelings; a weekday is not.",
    "A limit keeps the relationship safe for both people.",
    "Saying no is part of keeping a limit.",
    "Explaining a limit as you set it keeps it clear.",
]
OPTION_TEXTS = [
    "It sounds like you felt let down",
    "You should call him",
    "That happened to me too",
    "Advice",
    "Listening",
    "A story of your own",
    "Lonely",
    "Tuesday",
    "Hopeful",
    "Only you",
    "Only them",
    "Both of you",
    "When you set it",
    "After it is broken",
]


@pytest.fixture
def trainee(client):
    user = make_user(Role.TRAINEE)
    sign_in(client, user)
    return user


def _review(client, wrong):  # type: ignore[no-untyped-def]
    url = take(client, wrong=wrong)
    response = client.get(url + "/review")
    assert response.status_code == 200
    return response


def test_until_a_pass_the_review_gives_the_score_modules_and_every_hint(
    app, client, tmp_path, trainee
):
    serve(app, tmp_path, quiz="max_attempts = 3\nwait_minutes = 0")
    response = _review(client, wrong={"f2", "f3", "l1"})
    page, text = html_of(response), text_of(response)
    assert "You scored 50% (3 of 6 right). You need 75% to pass." in text
    assert 'href="/learn/care/feelings">Naming feelings</a>' in page
    assert 'href="/learn/care/limits">Setting limits</a>' in page
    # the hints of every question asked, right or wrong, in alphabetical order, unnumbered
    hints = re.search(r'<ul class="hints">(.*?)</ul>', page, flags=re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", hints) == sorted(HINTS, key=str.casefold), (
        "every hint, whatever was missed"
    )
    assert "Try again" in text
    assert " of 3" not in text  # no score per module: "0 of 3" would give three verdicts


def _verdict_free(page: str) -> str:
    """The review, without what differs between any two requests (tokens, ids, times)."""
    page = re.sub(r'name="csrf_token"[^>]*>', "", page)
    page = re.sub(r"/learn/attempts/\d+", "/learn/attempts/N", page)
    return page


def test_a_scripted_trainee_who_fails_cannot_read_any_questions_verdict(app, tmp_path):
    """Two trainees fail with the same score but different questions wrong (even in different
    modules, questions with hints): their reviews are the same page, so nothing in it tells
    which question was right. No prompt, option, answer, explanation or mark appears."""
    serve(app, tmp_path, quiz="max_attempts = 3\nwait_minutes = 0")
    pages = []
    for wrong in ({"f2", "f3", "l1"}, {"f1", "l2", "l3"}):
        client = app.test_client()
        sign_in(client, make_user(Role.TRAINEE, name="Same Name", email=f"{len(pages)}@x.org"))
        pages.append(html_of(_review(client, wrong)))
    assert _verdict_free(pages[0]) == _verdict_free(pages[1])
    text = " ".join(re.sub(r"<[^>]+>", " ", pages[0]).split())
    for secret in [*PROMPTS.values(), *EXPLANATIONS, *OPTION_TEXTS]:
        assert secret not in text, secret
    for mark in ("✓", "✗", "Not right", "Right answer", "Your answer", "Question 1", "Why:"):
        assert mark not in text, mark
    assert 'class="question' not in pages[0] and "picked" not in pages[0]
    # and the true/false item's answer is not named either
    assert not re.search(r"\b(True|False)\b", text)


def test_earlier_reviews_stay_closed_while_an_attempt_is_open(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz="max_attempts = 3\nwait_minutes = 0")
    first = take(client, wrong={"f2", "f3"})
    start(client)
    review = text_of(client.get(first + "/review"))
    assert "Right answer" not in review and "Continue your attempt" in review


def test_the_last_attempt_keeps_the_key_hidden(app, client, tmp_path, trainee):
    """A lead may grant more attempts: they must not meet questions whose answers were shown."""
    serve(app, tmp_path, quiz="max_attempts = 2\nwait_minutes = 0")
    take(client, wrong={"f2", "f3", "l1"})
    last = take(client, wrong={"f2", "f3", "l1"})
    text = text_of(client.get(last + "/review"))
    assert "Right answer" not in text and "You have used all 2 attempts" in text
    for prompt in PROMPTS.values():
        assert prompt not in text


def test_after_final_opens_the_full_review_of_every_attempt_after_the_last(
    app, client, tmp_path, trainee
):
    serve(app, tmp_path, quiz='max_attempts = 2\nwait_minutes = 0\nreview = "after_final"')
    first = take(client, wrong={"f2", "f3", "l1"})
    assert "Right answer" not in text_of(client.get(first + "/review"))
    last = take(client, wrong={"f2", "f3", "l1"})
    for url in (first, last):
        text = text_of(client.get(url + "/review"))
        for prompt in PROMPTS.values():
            assert prompt in text
        assert text.count("Right answer") == sum(len(v) for v in KEY.values())
        assert text.count("✗ Not right") == 3 and text.count("✓ Right") == 3
        assert "Why: Naming the feeling you heard is a reflection." in text
        assert "Your answer" in text
        assert "You have used all 2 attempts" in text


def test_a_pass_opens_the_full_review(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz="max_attempts = 3\nwait_minutes = 0")
    failed = take(client, wrong={"f2", "f3"})
    passed = take(client, wrong=set())
    assert "You passed" in text_of(client.get(passed + "/review"))
    text = text_of(client.get(failed + "/review"))
    assert "Right answer" in text and "Why: You can reflect only what you listened to." in text


def test_a_grant_after_the_last_attempt_closes_the_review_again(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz='max_attempts = 1\nwait_minutes = 0\nreview = "after_final"')
    url = take(client, wrong={"f2", "f3"})
    assert "Right answer" in text_of(client.get(url + "/review"))
    lead = app.test_client()
    sign_in(lead, make_user(Role.LEAD))
    post(lead, f"/lead/people/{trainee.id}/quiz-attempts/care", {"attempts": "1", "reason": "x"})
    text = text_of(client.get(url + "/review"))
    assert "Right answer" not in text and "Points to think about" in text


def test_review_immediate_with_one_attempt_shows_everything(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz='max_attempts = 1\nreview = "immediate"')
    url = take(client, wrong={"f2"})
    assert "Right answer" in text_of(client.get(url + "/review"))


def test_a_failed_review_offers_the_next_attempt_when_it_may_start(app, client, tmp_path, trainee):
    serve(app, tmp_path)  # the defaults: 3 attempts, a day apart
    url = take(client, wrong={"f2", "f3"})
    text = text_of(client.get(url + "/review"))
    assert "Please wait before your next attempt: you can start it at" in text
    assert "Try again" not in text
    age_attempts(trainee, 24 * 60)
    assert "Try again" in text_of(client.get(url + "/review"))
    assert answers(questions_of(start(client)))  # and it starts
