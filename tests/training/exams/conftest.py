"""The exam tests' people and helpers: the shipped courses and track (``peer-recovery``), given
an exam with ``use_track``; a trainee with an assigned supervisor, another trainee, a supervisor
of someone else, and a lead."""

from __future__ import annotations

import pytest

from certificates.rulebook import ExamRule
from tests.helpers import assign, fetch, in_app, make_user, post, sign_in, use_track
from training import content
from training.exams.models import FinalExamAttempt
from training.models import Role

NCPRSS = ExamRule(
    kind="external",
    name="NCPRSS examination",
    description="NAADAC's National Certified Peer Recovery Support Specialist examination.",
)


def final_exam(**changes: object) -> ExamRule:
    values: dict = {
        "kind": "internal",
        "name": "Final exam",
        "blueprint": {"advocacy": 2, "ethical_responsibility": 3},
        "pass_percent": 80,
        "max_attempts": 2,
        "wait_hours": 0,
    }
    values.update(changes)
    return ExamRule(**values)


@pytest.fixture
def people(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    other_supervisor = make_user(Role.SUPERVISOR, name="Alex Other", credential="CPRS 2")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    other_trainee = make_user(Role.TRAINEE, name="Jordan Diaz")
    assign(trainee, supervisor)
    assign(other_trainee, other_supervisor)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    return {
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "trainee": trainee,
        "other_trainee": other_trainee,
        "lead": lead,
    }


def client_of(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, user)
    return client


@pytest.fixture
def external(app):
    return use_track(app, exam=NCPRSS)


@pytest.fixture
def internal(app):
    return use_track(app, exam=final_exam())


def start(client) -> str:  # type: ignore[no-untyped-def]
    """Start (or continue) the final exam; the attempt's URL."""
    response = post(client, "/exam/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.startswith("/exam/attempts/"), location
    return location


def attempt_at(url: str) -> FinalExamAttempt:
    attempt = fetch(FinalExamAttempt, int(url.rsplit("/", 1)[1]))
    assert attempt is not None
    return attempt


def answers(url: str, wrong: set[int] = frozenset()) -> dict[str, list[str]]:  # type: ignore[assignment]
    """The right answers to the attempt at ``url`` (wrong ones at the positions in ``wrong``),
    as the form sends them."""
    attempt = attempt_at(url)
    form: dict[str, list[str]] = {}
    with in_app():
        library = content.library()
        for position, (course_id, question_id) in enumerate(attempt.refs, 1):
            question = library.course(course_id).quiz.question(question_id)
            right = sorted(question.answer)
            if position in wrong:
                right = sorted(question.option_ids - question.answer)[:1]
            form[f"q-{position}"] = right
    return form


def take(client, wrong: set[int] = frozenset()):  # type: ignore[no-untyped-def,assignment]
    """Start and submit an attempt; the response to the submission."""
    url = start(client)
    return post(client, url, answers(url, wrong))
