"""Parallel "Start the quiz" clicks by one trainee: exactly one open attempt, and every click
lands on it. The database decides (the partial unique index ``uq_quiz_attempt_open``): real
requests run in parallel threads against one app on a real database file (or
TEST_DATABASE_URL), released together by a barrier."""

from __future__ import annotations

import threading

import pytest

from tests.helpers import make_user, post, race_app, sign_in
from tests.training.learning.quiz_course import attempts_of, serve, take
from training.models import AttemptStatus, Role

ROUNDS = 3  # each round a new trainee: a race that can be lost shows up in one or another
CLICKS = 4
#: seconds a click may take before the test calls it hung (a hang guard, not a speed test)
RACE_TIMEOUT = 60


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        serve(app, tmp_path / "content", quiz="max_attempts = 3\nwait_minutes = 0")
        yield app


def _clicks(app, trainee, n=CLICKS):  # type: ignore[no-untyped-def]
    """``n`` clients of the trainee press Start at the same moment; where each one landed."""
    clients = []
    for _ in range(n):
        client = app.test_client()
        sign_in(client, trainee)
        clients.append(client)
    barrier = threading.Barrier(n, timeout=RACE_TIMEOUT)
    landed: list[str] = [""] * n

    def click(i: int) -> None:
        barrier.wait()
        try:
            response = post(clients[i], "/learn/care/quiz/start")
            landed[i] = f"{response.status_code} {response.headers.get('Location', '')}"
        except Exception as error:  # a 500 in the making: the test reports it
            landed[i] = f"ERROR {type(error).__name__}: {error}"

    threads = [threading.Thread(target=click, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT)
    stuck = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not stuck, f"clicks {stuck} still running after {RACE_TIMEOUT} s (hung?)"
    return landed, clients


def test_parallel_starts_open_one_attempt_and_every_click_lands_on_it(racing):
    app = racing
    for n in range(ROUNDS):
        trainee = make_user(Role.TRAINEE, name=f"Riley {n}")
        landed, clients = _clicks(app, trainee)
        (attempt,) = attempts_of(trainee)
        assert attempt.status == AttemptStatus.IN_PROGRESS
        assert landed == [f"302 /learn/attempts/{attempt.id}"] * CLICKS, landed
        for client in clients:  # each tab shows that attempt's questions
            assert client.get(f"/learn/attempts/{attempt.id}").status_code == 200


def test_parallel_starts_after_a_finished_attempt_still_open_one(racing):
    app = racing
    trainee = make_user(Role.TRAINEE)
    client = app.test_client()
    sign_in(client, trainee)
    take(client, wrong={"f1", "f2"})
    landed, _ = _clicks(app, trainee)
    open_ = [a for a in attempts_of(trainee) if a.status == AttemptStatus.IN_PROGRESS]
    assert len(open_) == 1 and len(attempts_of(trainee)) == 2
    assert set(landed) == {f"302 /learn/attempts/{open_[0].id}"}, landed


def test_parallel_starts_on_the_last_attempt_cannot_open_more(racing):
    """Two attempts used of three: however many clicks, one more attempt, never two."""
    app = racing
    trainee = make_user(Role.TRAINEE)
    client = app.test_client()
    sign_in(client, trainee)
    take(client, wrong={"f1", "f2"})
    take(client, wrong={"f1", "f2"})
    landed, _ = _clicks(app, trainee)
    assert len(attempts_of(trainee)) == 3
    assert len(set(landed)) == 1, landed
