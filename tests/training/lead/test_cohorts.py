"""Cohorts and their dashboard: for leads only; sortable, paginated, exported; and the number of
SQL queries a page runs does not grow with the number of trainees it shows."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.helpers import (
    count,
    fetch,
    find,
    in_app,
    make_cohort,
    make_entry,
    make_user,
    post,
    save,
    sign_in,
    text_of,
)
from training.extensions import db
from training.models import Cohort, QuizAttempt, Role, SupervisorAssignment, User


def trainees_in(cohort, n, **fields):
    return [
        make_user(Role.TRAINEE, cohort_id=cohort.id, name=f"Trainee {i:03d}", **fields)
        for i in range(n)
    ]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_see_cohorts(client, role):
    cohort = make_cohort()
    sign_in(client, make_user(role))
    for url in ["/lead/cohorts", f"/lead/cohorts/{cohort.id}", "/lead/quizzes"]:
        assert client.get(url).status_code == 403
    assert (
        post(
            client,
            "/lead/cohorts",
            {"name": "X", "start_date": "2026-01-01", "track": "peer-recovery"},
        ).status_code
        == 403
    )
    assert count(Cohort) == 1
    trainee, supervisor = make_user(Role.TRAINEE), make_user(Role.SUPERVISOR)
    assert (
        post(
            client, f"/lead/cohorts/{cohort.id}/trainees", {"trainees": [str(trainee.id)]}
        ).status_code
        == 403
    )
    assert (
        post(
            client, f"/lead/cohorts/{cohort.id}/supervisor", {"supervisor": str(supervisor.id)}
        ).status_code
        == 403
    )
    assert fetch(User, trainee.id).cohort_id is None and count(SupervisorAssignment) == 0


def test_a_lead_creates_a_cohort_with_clear_messages_for_bad_input(client):
    sign_in(client, make_user(Role.LEAD))
    bad = post(client, "/lead/cohorts", {"name": "", "start_date": "", "track": "nope"})
    assert bad.status_code == 400
    page = text_of(bad)
    assert (
        "Give the cohort a name." in page and "Enter the start date." in page and count(Cohort) == 0
    )
    ok = post(
        client,
        "/lead/cohorts",
        {"name": "Autumn 2026", "start_date": "2026-09-01", "track": "peer-recovery"},
    )
    assert ok.status_code == 302
    assert find(Cohort, name="Autumn 2026").track_id == "peer-recovery"
    again = post(
        client,
        "/lead/cohorts",
        {"name": "autumn 2026", "start_date": "2026-09-01", "track": "peer-recovery"},
    )
    assert "already exists" in text_of(again) and count(Cohort) == 1


def test_adding_trainees_and_a_supervisor_for_the_whole_cohort(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    a, b = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    post(client, f"/lead/cohorts/{cohort.id}/trainees", {"trainees": [str(a.id), str(b.id)]})
    assert fetch(User, a.id).cohort_id == cohort.id and fetch(User, b.id).cohort_id == cohort.id
    post(client, f"/lead/cohorts/{cohort.id}/supervisor", {"supervisor": str(supervisor.id)})
    assert count(SupervisorAssignment) == 2
    post(client, f"/lead/cohorts/{cohort.id}/supervisor", {"supervisor": str(supervisor.id)})
    assert count(SupervisorAssignment) == 2  # twice is harmless


def test_the_dashboard_shows_each_trainees_progress(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    (riley,) = trainees_in(cohort, 1)
    supervisor = make_user(Role.SUPERVISOR)
    make_entry(riley, supervisor, status="approved", minutes=600, kind="supervised_practice")
    save(
        QuizAttempt(
            user_id=riley.id,
            course_id="empathy",
            content_version="x",
            seed=1,
            question_ids=["q1"],
            status="finished",
            passed=True,
            score_percent=87.5,
            correct_ids=["q1"],
        )
    )
    page = text_of(client.get(f"/lead/cohorts/{cohort.id}"))
    assert "Trainee 000 0/14 88% 10 / 500 0 / 25 0/" in page


def test_sorting_paging_and_csv(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    people = trainees_in(cohort, 30)
    supervisor = make_user(Role.SUPERVISOR)
    make_entry(people[5], supervisor, status="approved", minutes=120, kind="supervised_practice")
    first = text_of(client.get(f"/lead/cohorts/{cohort.id}"))
    assert "Trainee 000" in first and "Trainee 024" in first and "Trainee 025" not in first
    assert "Page 1 of 2" in first
    second = text_of(client.get(f"/lead/cohorts/{cohort.id}?page=2"))
    assert "Trainee 029" in second and "Trainee 000" not in second
    by_practice = text_of(client.get(f"/lead/cohorts/{cohort.id}?sort=practice&dir=desc"))
    assert by_practice.index("Trainee 005") < by_practice.index("Trainee 000")
    csv = client.get(f"/lead/cohorts/{cohort.id}?format=csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data().decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 31 and lines[0].startswith('"Name","Courses completed"')


@contextmanager
def counting_queries(app):
    with app.app_context():
        engine = db.engine
    statements = []

    def count_it(*args, **kwargs):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count_it)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count_it)


def test_the_number_of_queries_does_not_grow_with_the_trainees_shown(app, client):
    sign_in(client, make_user(Role.LEAD))
    supervisor = make_user(Role.SUPERVISOR)
    small, large = make_cohort("Small"), make_cohort("Large")
    for cohort, size in ((small, 2), (large, 25)):
        for trainee in trainees_in(cohort, size):
            make_entry(trainee, supervisor, status="approved")
            make_entry(trainee, supervisor, status="submitted", kind="supervised_practice")
    client.get(f"/lead/cohorts/{small.id}")  # warm up: content loading, caches
    with counting_queries(app) as few:
        assert client.get(f"/lead/cohorts/{small.id}").status_code == 200
    with counting_queries(app) as many:
        assert client.get(f"/lead/cohorts/{large.id}").status_code == 200
    assert len(many) == len(few), many


def test_quiz_statistics_show_pass_rate_and_the_most_missed_question(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    people = trainees_in(cohort, 2)
    for trainee, passed, correct in ((people[0], True, ["q1", "q2"]), (people[1], False, ["q1"])):
        save(
            QuizAttempt(
                user_id=trainee.id,
                course_id="empathy",
                content_version="x",
                seed=1,
                question_ids=["q1", "q2", "q3"],
                status="finished",
                passed=passed,
                correct_ids=correct,
                score_percent=50.0,
            )
        )
    page = text_of(client.get(f"/lead/quizzes?cohort={cohort.id}"))
    assert "2 attempts · 50% of attempts passed" in page
    with in_app():
        from training.content import library

        q3 = library().course("empathy").quiz.question("q3").prompt
    assert q3[:40] in page and "2 times (100% of the times it was drawn)" in page
    assert "No attempts yet." in page  # the other courses
