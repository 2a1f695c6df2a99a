"""The lead's quiz statistics at any size: graded attempts are counted as they are graded, the
page reads those counts (never every attempt of the program), the figures are the ones the
attempts give, and the list of trainees out of attempts stays short."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, select

from tests.helpers import (
    html_of,
    in_app,
    make_cohort,
    make_user,
    post,
    race,
    race_app,
    save,
    sign_in,
    text_of,
)
from tests.training.learning.quiz_course import PROMPTS, answers, questions_of, serve, start, take
from training.extensions import db
from training.models import AttemptStatus, QuizAttempt, Role, User


@contextmanager
def statements(app):
    """The SQL statements the app runs meanwhile."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _as(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, user)
    return client


def test_graded_attempts_show_in_the_statistics_without_reading_every_attempt(app, tmp_path):
    serve(app, tmp_path, quiz="max_attempts = 0\nwait_minutes = 0")
    lead = make_user(Role.LEAD)
    for wrong in ({"f1"}, {"f1", "f2"}, set()):  # the pass mark is 75 %: two of them pass
        take(_as(app, make_user(Role.TRAINEE)), wrong=wrong)
    client = _as(app, lead)
    with statements(app) as sql:
        page = client.get("/lead/quizzes")
    assert page.status_code == 200
    text = text_of(page)
    assert "3 attempts · 67% of attempts passed" in text
    assert f"{PROMPTS['f1']} 2 times (67% of the times it was drawn)" in text
    assert f"{PROMPTS['f2']} 1 time (33% of the times it was drawn)" in text
    # the figures come from running totals, not from reading the program's attempts
    assert not [s for s in sql if "quiz_attempt" in s], sql


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_see_quiz_statistics(app, role):
    client = _as(app, make_user(role))
    assert client.get("/lead/quizzes").status_code == 403
    assert client.get(f"/lead/quizzes?cohort={make_cohort().id}").status_code == 403


@pytest.mark.parametrize("value", ["99999", "abc", "0", "-1"])
def test_an_unknown_cohort_says_so_and_shows_everyone(app, value):
    client = _as(app, make_user(Role.LEAD))
    text = text_of(client.get(f"/lead/quizzes?cohort={value}"))
    assert "That cohort does not exist" in text and "statistics for every trainee" in text
    assert "by every trainee" in text
    assert "does not exist" not in text_of(client.get("/lead/quizzes"))


def test_a_cohorts_statistics_read_only_its_own_attempts(app, tmp_path):
    serve(app, tmp_path, quiz="max_attempts = 0\nwait_minutes = 0")
    cohort = make_cohort()
    member = make_user(Role.TRAINEE, cohort_id=cohort.id)
    take(_as(app, member), wrong={"l1"})
    take(_as(app, make_user(Role.TRAINEE)), wrong={"f1"})  # not in the cohort
    client = _as(app, make_user(Role.LEAD))
    with statements(app) as sql:
        text = text_of(client.get(f"/lead/quizzes?cohort={cohort.id}"))
    assert "1 attempt · 100% of attempts passed" in text
    assert PROMPTS["l1"] in text and PROMPTS["f1"] not in text
    reads = [s for s in sql if "quiz_attempt" in s]
    assert reads and all("cohort_id" in s for s in reads), reads


def _stuck(user, course_id="care", attempts=2):  # type: ignore[no-untyped-def]
    return [
        QuizAttempt(
            user_id=user.id,
            course_id=course_id,
            content_version="x",
            seed=n,
            question_ids=["f1"],
            status=AttemptStatus.FINISHED,
            passed=False,
            correct_ids=[],
        )
        for n in range(attempts)
    ]


def test_the_list_of_trainees_out_of_attempts_stays_short(app, tmp_path):
    from training.learning.quiz_tallies import recount

    serve(app, tmp_path, quiz="max_attempts = 2\nwait_minutes = 0")
    people = [make_user(Role.TRAINEE, name=f"Stuck {n:02d}") for n in range(25)]
    save(*[a for p in people for a in _stuck(p)])
    with in_app():
        recount()
        db.session.commit()
    page = _as(app, make_user(Role.LEAD)).get("/lead/quizzes")
    text = text_of(page)
    assert "Stuck 00" in text and "Stuck 19" in text and "Stuck 20" not in text
    assert "And 5 more: see each cohort's quiz statistics" in text
    assert html_of(page).count("grant extra attempts") == 20


# --- the figures equal the ones the attempts give ------------------------------------------------


def _old_statistics(attempts, courses):  # type: ignore[no-untyped-def]
    """What the page showed when it read every finished attempt (the code before issue 18),
    with ties between equally missed questions broken as the page now does."""
    stats: dict = {}
    for course_id, passed, drawn, correct in attempts:
        entry = stats.setdefault(
            course_id, {"attempts": 0, "passed": 0, "shown": Counter(), "missed": Counter()}
        )
        entry["attempts"] += 1
        entry["passed"] += bool(passed)
        entry["shown"].update(drawn)
        entry["missed"].update(set(drawn) - set(correct or []))
    result = {}
    for course in courses:
        entry = stats.get(course.id)
        if entry is None:
            result[course.id] = (0, 0, [])
            continue
        ranked = sorted(
            entry["missed"].items(),
            key=lambda item: (-item[1], entry["shown"][item[0]], item[0]),
        )
        missed = [(q, n, n / entry["shown"][q]) for q, n in ranked[:3]]
        result[course.id] = (entry["attempts"], entry["passed"], missed)
    return result


def _shown(statistics):  # type: ignore[no-untyped-def]
    return {
        s.course.id: (s.attempts, s.passed, [(m.question.id, m.count, m.rate) for m in s.missed])
        for s in statistics
    }


attempt_specs = st.lists(
    st.tuples(
        st.integers(0, 3),  # trainee
        st.integers(0, 2),  # course
        st.sampled_from(list(AttemptStatus)),
        st.randoms(use_true_random=False),
    ),
    max_size=40,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=attempt_specs)
def test_the_statistics_equal_the_ones_the_attempts_give(app, specs):
    """Tallies kept at grading, tallies worked out again (``recount``, the migration's counts)
    and a cohort's statistics all give what reading every attempt gave."""
    from training import content
    from training.lead.quiz_stats import statistics
    from training.learning.quiz_tallies import (
        QuestionTally,
        QuizStanding,
        QuizTally,
        count_graded,
        recount,
    )
    from training.models import Cohort

    with app.app_context():
        for model in (QuestionTally, QuizStanding, QuizTally, QuizAttempt, User, Cohort):
            db.session.execute(delete(model))
        cohort = Cohort(name="All", start_date=date(2026, 1, 1), track_id="peer-recovery")
        db.session.add(cohort)
        db.session.flush()
        people = [
            User(email=f"t{n}@example.org", name=f"T{n}", role=Role.TRAINEE, password_hash="x",
                 cohort_id=cohort.id)
            for n in range(4)
        ]  # fmt: skip
        db.session.add_all(people)
        db.session.flush()
        courses = content.library().courses[:3]
        finished = []
        still_open = set()
        for person, course_index, status, rng in specs:
            course = courses[course_index]
            if status == AttemptStatus.IN_PROGRESS and (person, course_index) in still_open:
                status = AttemptStatus.ABANDONED  # one open attempt per trainee and course
            if status == AttemptStatus.IN_PROGRESS:
                still_open.add((person, course_index))
            ids = [q.id for q in course.quiz.questions]
            drawn = rng.sample(ids, rng.randint(1, min(6, len(ids))))
            # graded right answers; None as a row may hold (counted as none right)
            correct = None if rng.random() < 0.1 else [q for q in drawn if rng.random() < 0.6]
            passed = rng.random() < 0.5
            db.session.add(
                QuizAttempt(
                    user_id=people[person].id,
                    course_id=course.id,
                    content_version="x",
                    seed=1,
                    question_ids=drawn,
                    status=status,
                    passed=passed,
                    correct_ids=correct if status == AttemptStatus.FINISHED else None,
                )
            )
            if status == AttemptStatus.FINISHED:
                count_graded(people[person].id, course.id, passed, drawn, correct or [])
                finished.append((course.id, passed, drawn, correct))
        db.session.commit()
        expected = _old_statistics(finished, content.library().courses)
        assert _shown(statistics(None)) == expected  # kept at grading
        assert _shown(statistics(cohort)) == expected  # the cohort's attempts, counted in SQL
        standing = {
            (s.user_id, s.course_id): (s.finished, s.passed)
            for s in db.session.scalars(select(QuizStanding))
        }
        recount()
        db.session.commit()
        assert _shown(statistics(None)) == expected  # worked out again
        assert {
            (s.user_id, s.course_id): (s.finished, s.passed)
            for s in db.session.scalars(select(QuizStanding))
        } == standing


# --- at the same moment -----------------------------------------------------------------------


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        serve(app, tmp_path / "content", quiz="max_attempts = 0\nwait_minutes = 0")
        yield app


def test_submissions_at_the_same_moment_are_each_counted_once(racing):
    """Four trainees submit at once (they meet on the course's tally row), one of them twice:
    every submission that counted is in the tallies exactly once, and nobody sees an error."""
    from training.learning.quiz_tallies import QuestionTally, QuizTally, recount

    app = racing
    people = [make_user(Role.TRAINEE) for _ in range(4)]
    opened = {}

    def prepare(person):  # type: ignore[no-untyped-def]
        def sign_in_and_start(client):  # type: ignore[no-untyped-def]
            sign_in(client, person)
            opened[person.id] = url = opened.get(person.id) or start(client)
            return url

        return sign_in_and_start

    def submit(person, wrong):  # type: ignore[no-untyped-def]
        def act(client):  # type: ignore[no-untyped-def]
            url = opened[person.id]
            return post(client, url, answers(questions_of(url), wrong))

        return act

    actions = [(prepare(p), submit(p, {"f1"} if i % 2 else set())) for i, p in enumerate(people)]
    actions.append((prepare(people[0]), submit(people[0], set())))  # a double submission
    outcomes = race(app, *actions)
    assert all(o.startswith("302 ") for o in outcomes), outcomes

    def tallies():  # type: ignore[no-untyped-def]
        return (
            {(t.course_id, t.attempts, t.passed) for t in db.session.scalars(select(QuizTally))},
            {(t.question_id, t.shown, t.missed) for t in db.session.scalars(select(QuestionTally))},
        )

    with app.app_context():
        kept = tallies()
        assert kept[0] == {("care", 4, 4)}
        recount()
        assert tallies() == kept
        db.session.rollback()
