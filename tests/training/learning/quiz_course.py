"""A small course of known questions for the quiz-attempt tests, served from tmp_path (the
shipped content changes as it is rewritten; these tests must not)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.helpers import in_app, post
from training.content import ContentStore
from training.extensions import db
from training.models import AttemptStatus, QuizAttempt

COURSE = """\
title = "Care"
summary = "A small course to test quizzes with."
order = 1
modules = ["feelings", "limits"]
{settings}

[training_hours]
mentoring_education = 0.5
"""

MODULES = {
    "feelings": "# Naming feelings\n\nA feeling named is a feeling heard.\n",
    "limits": "# Setting limits\n\nA limit protects both people.\n",
}

QUIZ = """\
pass_mark = 75
{settings}

[[questions]]
id = "f1"
type = "single"
module = "feelings"
required = true
prompt = "Which words reflect a feeling?"
options = [
    {{ id = "a", text = "It sounds like you felt let down" }},
    {{ id = "b", text = "You should call him" }},
    {{ id = "c", text = "That happened to me too" }},
]
answer = "a"
explanation = "Naming the feeling you heard is a reflection."
hint = "Reread how a reflection names what the person feels."

[[questions]]
id = "f2"
type = "single"
module = "feelings"
prompt = "What comes before a reflection?"
options = [
    {{ id = "a", text = "Advice" }},
    {{ id = "b", text = "Listening" }},
    {{ id = "c", text = "A story of your own" }},
]
answer = "b"
explanation = "You can reflect only what you listened to."
hint = "Reread what you do while the person speaks."

[[questions]]
id = "f3"
type = "multiple"
module = "feelings"
prompt = "Which are feelings?"
options = [
    {{ id = "a", text = "Lonely" }},
    {{ id = "b", text = "Tuesday" }},
    {{ id = "c", text = "Hopeful" }},
]
answer = ["a", "c"]
explanation = "Lonely and hopeful are feelings; a weekday is not."
hint = "Reread the list of feeling words."

[[questions]]
id = "l1"
type = "single"
module = "limits"
prompt = "Who does a limit protect?"
options = [
    {{ id = "a", text = "Only you" }},
    {{ id = "b", text = "Only them" }},
    {{ id = "c", text = "Both of you" }},
]
answer = "c"
explanation = "A limit keeps the relationship safe for both people."

[[questions]]
id = "l2"
type = "true_false"
module = "limits"
prompt = "You may say no to a request."
answer = true
explanation = "Saying no is part of keeping a limit."
hint = "Reread what saying no does for the relationship."

[[questions]]
id = "l3"
type = "single"
module = "limits"
prompt = "When should you explain a limit?"
options = [
    {{ id = "a", text = "When you set it" }},
    {{ id = "b", text = "Never" }},
    {{ id = "c", text = "After it is broken" }},
]
answer = "a"
explanation = "Explaining a limit as you set it keeps it clear."
"""

#: the right and a wrong answer to every question
KEY = {"f1": ["a"], "f2": ["b"], "f3": ["a", "c"], "l1": ["c"], "l2": ["true"], "l3": ["a"]}
WRONG = {"f1": ["b"], "f2": ["a"], "f3": ["b"], "l1": ["a"], "l2": ["false"], "l3": ["b"]}
PROMPTS = {
    "f1": "Which words reflect a feeling?",
    "f2": "What comes before a reflection?",
    "f3": "Which are feelings?",
    "l1": "Who does a limit protect?",
    "l2": "You may say no to a request.",
    "l3": "When should you explain a limit?",
}


def serve(app, root: Path, quiz: str = "", course: str = "", modules=None) -> Path:  # type: ignore[no-untyped-def]
    """Write the course "care" under ``root`` with extra quiz.toml and course.toml settings,
    and serve it (again, after a change: as a restart would)."""
    folder = root / "courses" / "care"
    folder.mkdir(parents=True, exist_ok=True)
    for module_id, text in (modules or MODULES).items():
        (folder / f"{module_id}.md").write_text(text)
    (folder / "course.toml").write_text(COURSE.format(settings=course))
    if not re.search(r"^minutes\b", quiz, flags=re.M):
        quiz += "\nminutes = 8"
    (folder / "quiz.toml").write_text(QUIZ.format(settings=quiz))
    app.extensions["content"] = ContentStore(root)
    with app.app_context():
        library = app.extensions["content"].library
        assert library.course("care") is not None, library.problems
    return folder


def start(client):  # type: ignore[no-untyped-def]
    """Press "Start the quiz"; the address it leads to (an attempt, or the quiz page)."""
    response = post(client, "/learn/care/quiz/start")
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def attempt_id(url: str) -> int:
    match = re.fullmatch(r"/learn/attempts/(\d+)", url)
    assert match, url
    return int(match.group(1))


def questions_of(url: str) -> list[str]:
    with in_app():
        return list(db.session.get(QuizAttempt, attempt_id(url)).question_ids)


def answers(question_ids, wrong=()):  # type: ignore[no-untyped-def]
    """The form of an attempt: right answers, except the questions in ``wrong``."""
    return {f"q-{q}": (WRONG if q in wrong else KEY)[q] for q in question_ids}


def take(client, wrong=()):  # type: ignore[no-untyped-def]
    """Start an attempt and submit it, wrong on the questions in ``wrong``; the attempt's
    address."""
    url = start(client)
    response = post(client, url, answers(questions_of(url), wrong))
    assert response.status_code == 302, response.status_code
    return url


def attempts_of(user) -> list[QuizAttempt]:  # type: ignore[no-untyped-def]
    with in_app():
        rows = db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def finished(user) -> list[QuizAttempt]:  # type: ignore[no-untyped-def]
    return [a for a in attempts_of(user) if a.status == AttemptStatus.FINISHED]


def age_attempts(user, minutes: int) -> None:  # type: ignore[no-untyped-def]
    """Move the trainee's attempts ``minutes`` into the past (instead of waiting)."""
    with in_app():
        for row in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)):
            row.started_at -= timedelta(minutes=minutes)
            if row.submitted_at:
                row.submitted_at -= timedelta(minutes=minutes)
        db.session.commit()


def now() -> datetime:
    return datetime.now(UTC)
