"""Quiz attempts through the routes: option labels, the attempt limit, the wait between
attempts, required questions in every draw, and modules read before the quiz."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest

from courses.quiz import option_order
from tests.helpers import count, html_of, in_app, make_user, post, sign_in, text_of
from tests.training.learning.quiz_course import (
    PROMPTS,
    age_attempts,
    answers,
    attempt_id,
    attempts_of,
    finished,
    questions_of,
    serve,
    start,
    take,
)
from training.content import library
from training.dates import long_time
from training.extensions import db
from training.models import AttemptStatus, QuizAttempt, Role


@pytest.fixture
def trainee(client):
    user = make_user(Role.TRAINEE, name="Riley Chen")
    sign_in(client, user)
    return user


# --- labels ------------------------------------------------------------------------------------


def _labels(page: str) -> dict[str, list[tuple[str, str]]]:
    """Per question id, (option id, the label's text as read out) in the order shown."""
    found: dict[str, list[tuple[str, str]]] = {}
    pattern = r'<label for="q-([a-z0-9]+)-([a-z]+)">(.*?)</label>'
    for qid, option, inner in re.findall(pattern, page, flags=re.S):
        read = " ".join(re.sub(r"<[^>]+>", "", inner).split())
        found.setdefault(qid, []).append((option, read))
    return found


def test_options_are_labelled_a_b_c_in_the_order_shown(app, client, tmp_path, trainee):
    serve(app, tmp_path)
    url = start(client)
    labels = _labels(html_of(client.get(url)))
    with in_app():
        seed = db.session.get(QuizAttempt, attempt_id(url)).seed
        quiz = library().course("care").quiz
    assert set(labels) == set(PROMPTS)
    for qid, shown in labels.items():
        question = quiz.question(qid)
        order = [o.id for o in option_order(question, seed)]
        assert [option for option, _ in shown] == order  # the attempt's own order
        if question.type.name == "true_false":
            assert [read for _, read in shown] == ["True", "False"]  # no letters
            continue
        for letter, (option, read) in zip("ABC", shown, strict=True):
            # the letter is part of the accessible name: "Option A: It sounds like …"
            assert read == f"Option {letter}: {question.option(option).text}"
    # the same letters, in the same order, on a second visit
    assert _labels(html_of(client.get(url))) == labels


def test_the_full_review_names_options_with_the_letters_the_attempt_showed(
    app, client, tmp_path, trainee
):
    serve(app, tmp_path, quiz="max_attempts = 1\nwait_minutes = 0")
    url = start(client)
    shown = _labels(html_of(client.get(url)))
    post(client, url, answers(questions_of(url), wrong={"f1"}))
    review = text_of(client.get(url + "/review"))
    for _, read in shown["f1"]:
        assert read in review
    letter_of_key = next(read.split(":")[0] for o, read in shown["f1"] if o == "a")
    assert f"{letter_of_key}: It sounds like you felt let down Right answer" in review


# --- the attempt limit and the wait ------------------------------------------------------------


def test_by_default_three_attempts_a_day_apart(app, client, tmp_path, trainee):
    serve(app, tmp_path)  # quiz.toml says nothing about attempts
    take(client, wrong={"f1", "f2"})
    (first,) = finished(trainee)
    next_at = first.submitted_at + timedelta(days=1)
    # said to the next whole minute, never earlier than it may start
    next_at = next_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    page = text_of(client.get("/learn/care/quiz"))
    assert "You may take it 3 times, with a wait of 1 day between attempts." in page
    assert "You have used 1 of your 3 attempts: 2 left." in page
    told = f"Please wait before your next attempt: you can start it at {long_time(next_at)}"
    assert told in page and "Start a new attempt" not in page
    refused = text_of(post(client, "/learn/care/quiz/start", follow_redirects=True))
    assert refused.count(told) == 1  # said once, not in a flash as well
    assert count(QuizAttempt) == 1
    age_attempts(trainee, 24 * 60 + 1)  # a day later
    assert "Start a new attempt" in text_of(client.get("/learn/care/quiz"))
    assert start(client).startswith("/learn/attempts/")


def test_a_wait_counts_from_the_last_submission(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz="wait_minutes = 90")
    take(client, wrong={"f1", "f2"})
    age_attempts(trainee, 89)
    refused = text_of(post(client, "/learn/care/quiz/start", follow_redirects=True))
    assert "the quiz asks for 1 hour 30 minutes between attempts" in refused
    age_attempts(trainee, 2)
    assert start(client).startswith("/learn/attempts/")


def test_when_the_attempts_are_used_up_starting_is_refused(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz="max_attempts = 2\nwait_minutes = 0")
    take(client, wrong={"f1", "f2"})
    take(client, wrong={"f1", "f2"})
    page = text_of(client.get("/learn/care/quiz"))
    refusal = (
        "You have used all 2 attempts at this quiz. If you need another, ask your program "
        "lead: they can grant extra attempts."
    )
    assert refusal in page and "Start a new attempt" not in page
    assert refusal in text_of(post(client, "/learn/care/quiz/start", follow_redirects=True))
    assert count(QuizAttempt) == 2


def test_an_unlimited_quiz_never_refuses_and_counts_nothing_down(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz="max_attempts = 0\nwait_minutes = 0")
    for _ in range(4):
        take(client, wrong={"f1", "f2"})
    page = text_of(client.get("/learn/care/quiz"))
    assert "You may take it as many times as you need." in page
    assert "attempts:" not in page and "left." not in page
    assert start(client).startswith("/learn/attempts/")


def test_a_submission_over_the_limit_does_not_count(app, client, tmp_path, trainee):
    """The quiz's limit was lowered (its author edited quiz.toml) while an attempt was open:
    the database refuses to count it, and the trainee is told why."""
    folder = serve(app, tmp_path, quiz="max_attempts = 3\nwait_minutes = 0")
    take(client, wrong={"f1", "f2"})
    url = start(client)
    serve(app, tmp_path, quiz="max_attempts = 1\nwait_minutes = 0")
    assert folder.is_dir()
    response = post(client, url, answers(questions_of(url)), follow_redirects=True)
    assert "This attempt could not count" in text_of(response)
    assert len(finished(trainee)) == 1
    assert attempts_of(trainee)[-1].status == AttemptStatus.ABANDONED
    assert "You scored 100%" not in text_of(client.get(url + "/review"))


def test_an_attempt_that_slipped_past_the_limit_in_a_race_does_not_count(
    app, client, tmp_path, trainee
):
    """Another request finished an attempt after this one was opened (two tabs): the limit is
    checked by the submission itself, so the trainee never gets more than they are allowed."""
    serve(app, tmp_path, quiz="max_attempts = 2\nwait_minutes = 0")
    take(client, wrong={"f1", "f2"})
    url = start(client)
    with in_app():  # the other tab's attempt, finished a moment ago
        course = library().course("care")
        db.session.add(
            QuizAttempt(
                user_id=trainee.id,
                course_id="care",
                content_version=course.version,
                seed=7,
                question_ids=list(PROMPTS),
                status=AttemptStatus.FINISHED,
                submitted_at=db.func.now(),
                correct_count=0,
                score_percent=0.0,
            )
        )
        db.session.commit()
    response = post(client, url, answers(questions_of(url)), follow_redirects=True)
    assert "This attempt could not count" in text_of(response)
    assert len(finished(trainee)) == 2 and not any(a.passed for a in finished(trainee))


def test_an_attempt_opened_before_a_grant_counts(app, client, tmp_path, trainee):
    serve(app, tmp_path, quiz="max_attempts = 1\nwait_minutes = 0")
    url = start(client)
    lead = make_user(Role.LEAD)
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    post(
        lead_client,
        f"/lead/people/{trainee.id}/quiz-attempts/care",
        {"attempts": "1", "reason": "Asked for one more before starting."},
    )
    response = post(client, url, answers(questions_of(url), wrong={"f1", "f2"}))
    assert response.headers["Location"] == url + "/review"
    assert len(finished(trainee)) == 1
    assert "You have used 1 of your 2 attempts" in text_of(client.get("/learn/care/quiz"))


# --- required questions and the stratified draw ------------------------------------------------


def test_required_questions_are_in_every_attempt_and_modules_share_the_draw(
    app, client, tmp_path, trainee
):
    serve(app, tmp_path, quiz="draw = 2\nminutes = 4\nmax_attempts = 0\nwait_minutes = 0")
    seen = Counter()
    for _ in range(12):
        url = start(client)
        page = text_of(client.get(url))
        asked = [qid for qid, prompt in PROMPTS.items() if prompt in page]
        assert "Question 1 of 2" in page and len(asked) == 2
        assert "f1" in asked  # required: in every attempt
        assert sorted(q[0] for q in asked) == ["f", "l"]  # one from each module
        seen.update(asked)
        post(client, url, answers(asked))
    assert seen["f1"] == 12 and seen["f2"] == seen["f3"] == 0  # f1 fills the module's slot
    assert sum(seen[q] for q in ("l1", "l2", "l3")) == 12 and len(+seen) >= 3


# --- modules first -----------------------------------------------------------------------------


def test_a_quiz_that_needs_the_modules_first_lists_what_is_left(app, client, tmp_path, trainee):
    serve(app, tmp_path, course="quiz_requires_modules = true")
    page = client.get("/learn/care/quiz")
    text = text_of(page)
    assert "Please mark every module complete before you start the quiz." in text
    assert 'href="/learn/care/feelings">Naming feelings</a>' in html_of(page)
    assert 'href="/learn/care/limits">Setting limits</a>' in html_of(page)
    assert "Start the quiz" not in text
    refused = text_of(post(client, "/learn/care/quiz/start", follow_redirects=True))
    assert refused.count("Still to do") == 1  # the page's list, not a flash repeating it
    assert "Still to do: Naming feelings Setting limits" in refused
    assert count(QuizAttempt) == 0

    post(client, "/learn/care/feelings/complete")
    page = html_of(client.get("/learn/care/quiz"))
    assert ">Naming feelings</a>" not in page and ">Setting limits</a>" in page
    assert "Still to do: Setting limits" in text_of(
        post(client, "/learn/care/quiz/start", follow_redirects=True)
    )
    post(client, "/learn/care/limits/complete")
    assert "Start the quiz" in text_of(client.get("/learn/care/quiz"))
    assert start(client).startswith("/learn/attempts/")


def test_without_the_setting_the_quiz_opens_before_the_modules(app, client, tmp_path, trainee):
    serve(app, tmp_path)
    assert start(client).startswith("/learn/attempts/")


def test_staff_read_the_quiz_rules_but_never_start(app, client, tmp_path):
    serve(app, tmp_path, course="quiz_requires_modules = true")
    for role in (Role.SUPERVISOR, Role.LEAD):
        sign_in(client, make_user(role))
        page = text_of(client.get("/learn/care/quiz"))
        assert "Quizzes are taken by trainees." in page
        assert "The quiz opens once every module is marked complete." in page
        assert post(client, "/learn/care/quiz/start").status_code == 403
    assert count(QuizAttempt) == 0
