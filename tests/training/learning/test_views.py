"""Catalogue, modules, progress and quizzes, as every role, including the denials."""

import re

import pytest
from sqlalchemy import select

from courses.loader import load_library
from tests.helpers import (
    count,
    fetch,
    html_of,
    in_app,
    make_user,
    post,
    sign_in,
    text_of,
    write_course,
)
from training.config import PROJECT_ROOT
from training.content import ContentStore
from training.extensions import db
from training.models import AttemptStatus, ModuleProgress, QuizAttempt, Role

CONTENT = PROJECT_ROOT / "content"
ANSWER_KEY = {"q-q1": "b", "q-q2": ["a", "c"], "q-q3": "true"}


def text_of_html(page):
    return re.sub(r"<[^>]+>", " ", page)


def serve_course(app, tmp_path, quiz_settings=""):
    """Serve a small known course instead of the shipped content, with extra quiz settings."""
    folder = write_course(tmp_path)
    quiz = folder / "quiz.toml"
    quiz.write_text(quiz_settings + "\n" + quiz.read_text())
    app.extensions["content"] = ContentStore(tmp_path)
    return tmp_path


@pytest.fixture
def course_dir(app, tmp_path):
    return serve_course(app, tmp_path)


def signed_in(client, role=Role.TRAINEE, **fields):
    user = make_user(role, **fields)
    sign_in(client, user)
    return user


def start(client):
    response = post(client, "/learn/basics/quiz/start")
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def attempts_of(user):
    with in_app():
        rows = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all()
        db.session.expunge_all()
        return rows


# --- reading -----------------------------------------------------------------------------------

PAGES = ["/learn/", "/learn/basics/", "/learn/basics/first", "/learn/basics/quiz"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_must_sign_in(client, course_dir, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", PAGES)
def test_every_role_can_read_the_courses(client, course_dir, role, url):
    signed_in(client, role)
    assert client.get(url).status_code == 200


def test_unknown_course_or_module_is_not_found(client, course_dir):
    signed_in(client)
    assert client.get("/learn/nope/").status_code == 404
    assert client.get("/learn/basics/nope").status_code == 404
    assert client.get("/learn/nope/quiz").status_code == 404


def test_module_page_renders_markdown_safely_with_previous_and_next(client, course_dir):
    signed_in(client)
    first = html_of(client.get("/learn/basics/first"))
    assert "<h1>First steps</h1>" in first
    assert "<strong>text</strong>" in first
    assert 'id="a-section"' in first
    assert "Next: Second steps" in first and "Previous" not in first
    second = html_of(client.get("/learn/basics/second"))
    assert "Previous: First steps" in second and "Next: the quiz" in second
    assert 'class="admonition tip"' in second


def test_a_course_that_fails_the_check_is_never_served(app, client, tmp_path):
    write_course(tmp_path, "good")
    write_course(tmp_path, "broken", quiz="nonsense = [")
    app.extensions["content"] = ContentStore(tmp_path)
    signed_in(client)
    catalogue = html_of(client.get("/learn/"))
    assert "/learn/good/" in catalogue and "/learn/broken/" not in catalogue
    assert client.get("/learn/broken/").status_code == 404


def test_a_repeat_view_does_no_markdown_work(client, course_dir, monkeypatch):
    import courses.rendering as rendering

    calls = []
    real = rendering.render_markdown
    monkeypatch.setattr(
        rendering, "render_markdown", lambda t, *more: calls.append(1) or real(t, *more)
    )
    signed_in(client)
    client.get("/learn/basics/first")
    client.get("/learn/basics/first")
    assert len(calls) == 1


# --- progress ----------------------------------------------------------------------------------


def test_catalogue_shows_progress_and_resumes_where_the_trainee_left_off(client, course_dir):
    signed_in(client)
    catalogue = html_of(client.get("/learn/"))
    assert '<progress max="3" value="0"' in catalogue and "Start" in text_of(client.get("/learn/"))
    client.get("/learn/basics/second")  # opened, not finished
    course = text_of(client.get("/learn/basics/"))
    assert "Continue with “Second steps”" in course


def test_a_module_view_is_two_statements_and_keeps_one_row_per_module(app, client, course_dir):
    """Every page view of every trainee lands here: one query for who is signed in (with what
    waits for them) and one upsert that records the view and says whether it is complete."""
    from tests.training.lead.test_cohorts import counting_queries

    user = signed_in(client)
    client.get("/learn/basics/first")  # warm up: content loading, caches
    post(client, "/learn/basics/first/complete")
    with counting_queries(app) as statements:
        page = text_of(client.get("/learn/basics/first"))
    assert "Completed" in page
    assert len(statements) == 2, statements
    client.get("/learn/basics/second")
    client.get("/learn/basics/first")
    with in_app():
        rows = db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == user.id))
        viewed = {row.module_id: row for row in rows}
    assert set(viewed) == {"first", "second"}
    assert viewed["first"].last_viewed_at > viewed["second"].last_viewed_at
    assert viewed["first"].completed_at is not None and viewed["second"].completed_at is None
    assert "Continue with “First steps”" in text_of(client.get("/learn/basics/"))


def test_marking_modules_complete_moves_progress_and_goes_to_the_next(client, course_dir):
    user = signed_in(client)
    response = post(client, "/learn/basics/first/complete")
    assert response.headers["Location"] == "/learn/basics/second"
    catalogue = html_of(client.get("/learn/"))
    assert '<progress max="3" value="1"' in catalogue and "33%" in catalogue
    post(client, "/learn/basics/first/complete")  # twice is harmless
    with in_app():
        assert (
            db.session.scalar(
                select(db.func.count())
                .select_from(ModuleProgress)
                .where(ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_not(None))
            )
            == 1
        )
    page = text_of(client.get("/learn/basics/first"))
    assert "Mark as complete" not in page and "Completed" in page


def test_marking_complete_needs_csrf(client, course_dir):
    signed_in(client)
    assert client.post("/learn/basics/first/complete").status_code == 400
    assert count(ModuleProgress) == 0


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEAD])
def test_staff_cannot_record_progress_or_take_quizzes(client, course_dir, role):
    signed_in(client, role)
    assert "Mark as complete" not in text_of(client.get("/learn/basics/first"))
    assert post(client, "/learn/basics/first/complete").status_code == 403
    assert post(client, "/learn/basics/quiz/start").status_code == 403
    assert count(ModuleProgress) == 0 and count(QuizAttempt) == 0


def test_a_course_is_complete_when_every_module_is_read_and_the_quiz_passed(client, course_dir):
    signed_in(client)
    post(client, "/learn/basics/first/complete")
    post(client, "/learn/basics/second/complete")
    assert "66% · 2 of 2 modules" in text_of(client.get("/learn/"))
    post(client, start(client), ANSWER_KEY)
    assert 'class="progress-text">Complete<' in html_of(client.get("/learn/"))


# --- quizzes -----------------------------------------------------------------------------------


def test_the_attempt_page_never_contains_the_answers(client, course_dir):
    signed_in(client)
    page = html_of(client.get(start(client)))
    assert "Pick b." in page and "Select all that apply." in page
    for secret in (
        "Because b.",
        "Because a and c.",
        "It is true.",
        "Think of the second",
        "Right answer",
        "checked",
    ):
        assert secret not in page


def test_passing_a_quiz_shows_score_and_explanations(client, course_dir):
    user = signed_in(client)
    url = start(client)
    response = post(client, url, ANSWER_KEY)
    assert response.headers["Location"].endswith("/review")
    review = text_of(client.get(response.headers["Location"]))
    assert "You scored 100%" in review and "You passed" in review
    assert "Because a and c." in review and "Right answer" in review
    (attempt,) = attempts_of(user)
    assert attempt.status == AttemptStatus.FINISHED and attempt.passed
    assert attempt.answers == {"q1": ["b"], "q2": ["a", "c"], "q3": ["true"]}
    assert attempt.content_version and attempt.submitted_at


def test_a_failed_attempt_shows_what_to_reread_but_not_the_right_answers(client, course_dir):
    """(The review policy in detail: test_review_policy.py.)"""
    signed_in(client)
    url = start(client)
    post(client, url, {**ANSWER_KEY, "q-q1": "a", "q-q2": ["a"]})
    review = text_of(client.get(url + "/review"))
    assert "You scored 33.3%" in review and "You need 80% to pass" in review
    assert "Not right" not in review and "Pick b." not in review
    assert "Right answer" not in review and "Because b." not in review
    assert "Think of the second letter." in review  # the hint
    assert "Modules to reread" in review and "First steps" in review
    assert "Please wait before your next attempt" in review  # a day, by default


def test_submitting_the_same_attempt_twice_counts_once(client, course_dir):
    user = signed_in(client)
    url = start(client)
    post(client, url, ANSWER_KEY)
    again = post(client, url, {**ANSWER_KEY, "q-q1": "a"}, follow_redirects=True)
    assert "already submitted" in text_of(again)
    (attempt,) = attempts_of(user)
    assert attempt.passed and attempt.correct_count == 3


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({**ANSWER_KEY, "q-q1": "zz"}, "Question 1: The answer names an option"),
        ({**ANSWER_KEY, "q-q9": "a"}, "not part of this attempt"),
        ({**ANSWER_KEY, "q-q1": ["a", "b"]}, "Choose exactly one answer"),
        ({"q-q1": "b", "q-q3": "true"}, "Still unanswered: 2"),
        ({}, "Still unanswered: 1, 2, 3"),
    ],
)
def test_tampered_or_incomplete_answers_get_a_message_and_record_nothing(
    client, course_dir, answers, message
):
    user = signed_in(client)
    url = start(client)
    response = post(client, url, answers)
    assert response.status_code == 400
    assert message in text_of(response)
    (attempt,) = attempts_of(user)
    assert attempt.status == AttemptStatus.IN_PROGRESS and not attempt.passed
    assert attempt.answers is None


def test_answers_given_so_far_are_kept_when_one_is_missing(client, course_dir):
    signed_in(client)
    page = html_of(post(client, start(client), {"q-q1": "b", "q-q2": ["a", "c"]}))
    assert re.search(r'value="b" checked', page)
    assert text_of_html(page).count("Please answer this question.") == 1  # only question 3
    assert len(re.findall(r'name="q-q2" id="[^"]+" value="[ac]" checked', page)) == 2


def test_submitting_without_csrf_is_rejected(client, course_dir):
    user = signed_in(client)
    url = start(client)
    assert client.post(url, data={"q-q1": "b"}).status_code == 400
    assert attempts_of(user)[0].status == AttemptStatus.IN_PROGRESS


def test_starting_again_resumes_the_open_attempt(client, course_dir):
    signed_in(client)
    assert start(client) == start(client)
    assert "Continue your attempt" in text_of(client.get("/learn/basics/quiz"))


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR, Role.LEAD])
def test_nobody_sees_another_trainees_attempt(app, client, course_dir, role):
    owner_client = app.test_client()
    signed_in(owner_client)
    url = start(owner_client)
    signed_in(client, role)
    expected = 404 if role == Role.TRAINEE else 403
    assert client.get(url).status_code == expected
    assert post(client, url, ANSWER_KEY).status_code == expected
    assert client.get(url + "/review").status_code == expected


def test_attempts_are_limited_and_the_answers_shown_after_the_last(app, client, tmp_path):
    serve_course(app, tmp_path, 'max_attempts = 2\nwait_minutes = 0\nreview = "after_final"')
    signed_in(client)
    wrong = {**ANSWER_KEY, "q-q1": "a", "q-q2": "a"}
    first = start(client)
    post(client, first, wrong)
    assert "Right answer" not in text_of(client.get(first + "/review"))
    second = start(client)
    post(client, second, wrong)
    last_review = text_of(client.get(second + "/review"))
    assert "Right answer" in last_review and "Because b." in last_review
    assert "You have used all 2 attempts" in last_review
    refused = post(client, "/learn/basics/quiz/start", follow_redirects=True)
    assert "You have used all 2 attempts" in text_of(refused)
    assert count(QuizAttempt) == 2


def test_a_wait_between_attempts_is_enforced(app, client, tmp_path):
    serve_course(app, tmp_path, "wait_minutes = 60")
    signed_in(client)
    post(client, start(client), {**ANSWER_KEY, "q-q1": "a"})
    refused = post(client, "/learn/basics/quiz/start", follow_redirects=True)
    assert "Please wait before your next attempt" in text_of(refused)
    assert count(QuizAttempt) == 1


# (Draws, required questions and the order of options: test_attempts.py.)


def test_an_attempt_on_a_changed_quiz_is_closed_without_counting(app, client, tmp_path):
    folder = write_course(tmp_path)
    app.extensions["content"] = ContentStore(tmp_path)
    user = signed_in(client)
    url = start(client)
    quiz = folder / "quiz.toml"
    quiz.write_text(quiz.read_text().replace('id = "q3"', 'id = "q3-new"'))
    app.extensions["content"] = ContentStore(tmp_path)
    response = post(client, url, ANSWER_KEY, follow_redirects=True)
    assert "quiz was updated after you started" in text_of(response)
    (attempt,) = attempts_of(user)
    assert attempt.status == AttemptStatus.ABANDONED and not attempt.passed
    assert start(client) != url


@pytest.mark.parametrize("course", load_library(CONTENT).courses, ids=lambda c: c.id)
def test_every_shipped_course_can_be_read_and_passed_end_to_end(client, course):
    """The real courses, as a trainee takes them: every module read and marked, quiz passed."""
    user = signed_in(client)
    for module in course.modules:
        page = text_of(client.get(f"/learn/{course.id}/{module.id}"))
        assert module.title in page
        post(client, f"/learn/{course.id}/{module.id}/complete")
    url = post(client, f"/learn/{course.id}/quiz/start").headers["Location"]
    attempt = fetch(QuizAttempt, int(url.rsplit("/", 1)[1]))
    assert len(attempt.question_ids) == course.quiz.questions_per_attempt
    answers = {f"q-{qid}": sorted(course.quiz.question(qid).answer) for qid in attempt.question_ids}
    review = text_of(client.get(post(client, url, answers).headers["Location"]))
    assert "You scored 100%" in review
    accept_practice(user, course)  # complete once every practice exercise is accepted too
    catalogue = html_of(client.get("/learn/"))
    card = catalogue[catalogue.index(f"/learn/{course.id}/") :]
    assert card.index('class="progress-text">Complete<') < card.index("</li>")


def accept_practice(user, course):
    """Every practice exercise of the course accepted, as a supervisor would have done."""
    from tests.helpers import save
    from training.practice.models import PracticeResponse

    for exercise in course.exercises:
        save(
            PracticeResponse(
                trainee_id=user.id,
                course_id=course.id,
                exercise_id=exercise.id,
                attempt=1,
                text="A response.",
                status="accepted",
                content_version=course.version,
            )
        )
