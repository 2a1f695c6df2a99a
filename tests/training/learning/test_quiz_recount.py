"""``flask --app wsgi quiz recount``: the quiz statistics' tallies worked out again from the
attempts, on a running site (after an upgrade in which servers of an older version graded
without keeping them), saying what it changed; a grading meanwhile is counted exactly once."""

from __future__ import annotations

import threading
import time

from sqlalchemy import delete, select, text, update

from tests.helpers import in_app, make_user, post, race_app, sign_in
from tests.training.learning.quiz_course import answers, questions_of, serve, start, take
from training.extensions import db
from training.learning import quiz_tallies
from training.learning.quiz_tallies import QuestionTally, QuizStanding, QuizTally
from training.models import Role

#: how long a test waits for something that should happen at once, before calling it a hang
HANG = 30.0


def _as(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, user)
    return client


def _tallies() -> tuple[set, set, set]:
    with in_app():
        return (
            {(t.course_id, t.attempts, t.passed) for t in db.session.scalars(select(QuizTally))},
            {
                (t.course_id, t.question_id, t.shown, t.missed)
                for t in db.session.scalars(select(QuestionTally))
            },
            {
                (s.user_id, s.course_id, s.finished, s.passed)
                for s in db.session.scalars(select(QuizStanding))
            },
        )


def test_recount_puts_back_tallies_that_drifted_and_says_what_it_changed(app, runner, tmp_path):
    serve(app, tmp_path, quiz="max_attempts = 0\nwait_minutes = 0")
    alex, sam = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    take(_as(app, alex), wrong={"f1"})
    take(_as(app, alex))
    take(_as(app, sam), wrong={"f1", "f2", "f3", "l1", "l2", "l3"})
    kept = _tallies()  # kept at grading: what the attempts give
    assert ("care", 3, 2) in kept[0]
    with in_app():  # as old servers grading without them, or a hand, would leave them
        db.session.execute(update(QuizTally).values(attempts=QuizTally.attempts + 4))
        db.session.execute(delete(QuestionTally).where(QuestionTally.question_id == "f1"))
        db.session.execute(
            update(QuizStanding).where(QuizStanding.user_id == sam.id).values(finished=7)
        )
        db.session.add(QuizStanding(user_id=sam.id, course_id="gone", finished=2, passed=False))
        db.session.commit()
    assert _tallies() != kept

    result = runner.invoke(args=["quiz", "recount"])

    assert result.exit_code == 0, result.output
    assert _tallies() == kept
    output = result.output
    assert "4 tallies changed" in output, output
    assert "care: 7 attempts, 2 passed -> 3 attempts, 2 passed" in output
    assert "care, question f1: none -> drawn 3 times, missed 2" in output
    assert f"trainee {sam.id}, care: 7 attempts, not passed -> 1 attempt, not passed" in output
    assert f"trainee {sam.id}, gone: 2 attempts, not passed -> none" in output

    again = runner.invoke(args=["quiz", "recount"])
    assert again.exit_code == 0, again.output
    assert "Every tally was right: nothing changed." in again.output
    assert _tallies() == kept


def _waiting_for_a_lock() -> bool:
    """PostgreSQL: some session waits for a lock on quiz_attempt (asked from a connection of
    its own, outside the recount's transaction)."""
    with db.engine.connect() as connection:
        return bool(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'quiz_attempt' AND NOT l.granted"
                )
            )
        )


def test_a_grading_while_the_recount_runs_is_counted_exactly_once(tmp_path, monkeypatch):
    """A trainee submits between the recount's reading of the attempts and its writing of the
    tallies: the grading waits for the recount to commit (PostgreSQL: the attempts are locked
    against writes; SQLite: the recount is a write transaction from its start), then counts
    itself on the recounted tallies. Without that wait the recount wrote over it: one attempt
    fewer in the statistics for good.

    On PostgreSQL the test sees the grading wait for the lock; on SQLite, which cannot show a
    waiter, it gives the grading two seconds to finish, which it does when nothing holds it
    (a machine too busy to finish it in that time lets the test pass without proving the wait;
    it never fails a correct recount)."""
    with race_app(tmp_path) as app:
        serve(app, tmp_path / "content", quiz="max_attempts = 0\nwait_minutes = 0")
        take(_as(app, make_user(Role.TRAINEE)), wrong={"f1"})
        trainee = make_user(Role.TRAINEE)
        client = _as(app, trainee)
        url = start(client)
        form = answers(questions_of(url))
        with in_app():  # drifted, so that the recount has something to write
            db.session.execute(update(QuizTally).values(attempts=9))
            db.session.commit()
        outcome: list[object] = []

        def submit() -> None:
            try:
                outcome.append(post(client, url, form).status_code)
            except Exception as error:  # reported below, never lost in the thread
                outcome.append(error)

        grading = threading.Thread(target=submit, name="grading", daemon=True)
        apply = quiz_tallies._apply

        def grading_meanwhile(changes):  # type: ignore[no-untyped-def]
            grading.start()
            if db.engine.dialect.name == "postgresql":
                deadline = time.monotonic() + HANG
                while grading.is_alive() and not _waiting_for_a_lock():
                    assert time.monotonic() < deadline, "the grading neither ended nor waited"
                    time.sleep(0.05)
            else:
                grading.join(2.0)
            return apply(changes)

        monkeypatch.setattr(quiz_tallies, "_apply", grading_meanwhile)
        with app.app_context():
            changed = quiz_tallies.recount()
            db.session.commit()
        grading.join(HANG)
        assert not grading.is_alive(), "the grading hung"
        assert outcome == [302], outcome
        assert [str(c) for c in changed] == ["care: 9 attempts, 1 passed -> 1 attempt, 1 passed"]
        assert ("care", 2, 2) in _tallies()[0]
        monkeypatch.setattr(quiz_tallies, "_apply", apply)
        with app.app_context():
            assert quiz_tallies.recount() == []  # the tallies hold what the attempts give
            db.session.rollback()
