"""Parallel requests on one exam record, on a database several connections really share (a
SQLite file, or TEST_DATABASE_URL): the database decides, so parallel "Start" clicks open one
attempt, parallel submissions count once, two leads withdrawing one result withdraw it once,
and a double click on "Grant one more attempt" grants one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import (
    as_user,
    in_app,
    make_user,
    post,
    race,
    race_app,
    use_track,
)
from tests.training.exams.conftest import NCPRSS, answers, attempt_at, client_of, final_exam
from training.exams.models import ExamResult, FinalExamAttempt, FinalExamExtraAttempt
from training.extensions import db
from training.models import AttemptStatus, AuditEvent, Role

CLICKS = 4


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        yield app


def _events(action: str) -> int:
    with in_app():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def _attempts(trainee_id: int) -> list[FinalExamAttempt]:
    with in_app():
        found = list(
            db.session.scalars(
                select(FinalExamAttempt).where(FinalExamAttempt.trainee_id == trainee_id)
            )
        )
        db.session.expunge_all()
        return found


def test_parallel_starts_open_one_attempt_and_every_click_lands_on_it(racing):
    use_track(racing, exam=final_exam(max_attempts=1))
    trainee = make_user(Role.TRAINEE)

    def click(client):  # type: ignore[no-untyped-def]
        response = post(client, "/exam/start")
        return client.get(response.headers["Location"])

    outcomes = race(racing, *[as_user(trainee, click) for _ in range(CLICKS)])
    (attempt,) = _attempts(trainee.id)
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert all(o.startswith("200 ") and "Question 1 of 5" in o for o in outcomes), outcomes


def test_parallel_submissions_count_once(racing):
    use_track(racing, exam=final_exam(max_attempts=3))
    trainee = make_user(Role.TRAINEE)
    url = post(client_of(racing, trainee), "/exam/start").headers["Location"]
    given = answers(url)

    def submit(client):  # type: ignore[no-untyped-def]
        return post(client, url, given, follow_redirects=True)

    outcomes = race(racing, *[as_user(trainee, submit) for _ in range(CLICKS)])
    assert all(o.startswith("200 ") and "You scored 100%" in o for o in outcomes), outcomes
    assert sum("Your first submission is the one that counts" in o for o in outcomes) == 3
    assert attempt_at(url).finished and len(_attempts(trainee.id)) == 1
    assert _events("final exam attempt submitted") == 1


def test_two_leads_withdrawing_one_result_withdraw_it_once(racing):
    use_track(racing, exam=NCPRSS)
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    leads = [make_user(Role.LEAD, name=f"Lead {n}") for n in range(2)]
    post(
        client_of(racing, leads[0]),
        f"/exam/people/{trainee.id}/results",
        {"day": "2026-03-03", "result": "passed"},
    )
    with in_app():
        result_id = db.session.scalar(select(ExamResult.id))

    def withdraw(client):  # type: ignore[no-untyped-def]
        url = f"/exam/results/{result_id}/withdraw"
        return post(client, url, {"reason": "Wrong trainee."}, follow_redirects=True)

    outcomes = race(racing, *[as_user(lead, withdraw) for lead in leads])
    assert sum("Withdrawn: NCPRSS examination" in o for o in outcomes) == 1, outcomes
    assert sum("This result was already withdrawn." in o for o in outcomes) == 1, outcomes
    assert _events("exam result withdrawn") == 1


def test_a_double_click_on_grant_adds_one_extra_attempt(racing):
    use_track(racing, exam=final_exam(max_attempts=1))
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    lead = make_user(Role.LEAD, name="Morgan Lead")

    def grant(client):  # type: ignore[no-untyped-def]
        url = f"/exam/people/{trainee.id}/extra-attempt"
        return post(client, url, {"reason": "Reviewed ethics.", "seen": "0"}, follow_redirects=True)

    outcomes = race(racing, *[as_user(lead, grant) for _ in range(CLICKS)])
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert sum("Riley Chen has one more attempt" in o for o in outcomes) == 1, outcomes
    refused = "Another extra attempt was just granted; nothing more was added."
    assert sum(refused in o for o in outcomes) == CLICKS - 1, outcomes
    with in_app():
        grants = db.session.scalar(select(func.count()).select_from(FinalExamExtraAttempt))
    assert grants == 1
    assert _events("extra exam attempt granted") == 1
