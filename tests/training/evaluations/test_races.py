"""Two clicks (or tabs) at once on one evaluation: it is signed once, and one draft is started,
on SQLite and PostgreSQL alike, because the database decides (a conditional UPDATE, a partial
unique index). Real requests run in parallel threads against one app on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import (
    as_user,
    assign,
    fetch,
    in_app,
    make_user,
    post,
    race,
    race_app,
    sign_in,
    use_track,
)
from tests.training.evaluations.conftest import RULE, answers, start
from training.evaluations.models import CompetencyEvaluation
from training.extensions import db
from training.models import AuditEvent, Role

ROUNDS = 3


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        use_track(app, "peer-recovery", evaluation=RULE)
        yield app


def _events(action):  # type: ignore[no-untyped-def]
    with in_app():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_type == "competency_evaluation", AuditEvent.action == action)
        )


def _following(url, data):  # type: ignore[no-untyped-def]
    def act(client):  # type: ignore[no-untyped-def]
        answer = post(client, url, data)
        location = answer.headers.get("Location")
        return client.get(location) if location else answer

    return act


def test_two_sign_clicks_at_once_sign_once(racing):
    app = racing
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    for n in range(ROUNDS):
        trainee = make_user(Role.TRAINEE, name=f"Riley Chen {n}")
        assign(trainee, supervisor)
        client = app.test_client()
        sign_in(client, supervisor)
        evaluation_id = start(client, trainee)
        post(client, f"/evaluations/{evaluation_id}/edit", answers(2, 3, 2, action="review"))
        url = f"/evaluations/{evaluation_id}/sign"
        before = _events("signed")
        click = _following(url, {"revision": "2", "confirm": "y"})
        outcomes = race(app, as_user(supervisor, click), as_user(supervisor, click))
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        won = [o for o in outcomes if "can now read your evaluation" in o]
        lost = [o for o in outcomes if "already signed" in o]
        assert (len(won), len(lost)) == (1, 1), outcomes
        assert fetch(CompetencyEvaluation, evaluation_id).status == "signed"
        assert _events("signed") == before + 1


def test_two_start_clicks_at_once_open_one_draft(racing):
    app = racing
    supervisor = make_user(Role.SUPERVISOR)
    for n in range(ROUNDS):
        trainee = make_user(Role.TRAINEE, name=f"Blair {n}")
        assign(trainee, supervisor)
        before = _events("draft created")
        url = f"/evaluations/trainees/{trainee.id}/start"
        outcomes = race(app, *(as_user(supervisor, lambda c, u=url: post(c, u)) for _ in range(2)))
        assert [o.split(" ")[0] for o in outcomes] == ["302", "302"], outcomes
        with in_app():
            drafts = db.session.scalar(
                select(func.count())
                .select_from(CompetencyEvaluation)
                .where(CompetencyEvaluation.trainee_id == trainee.id)
            )
        assert drafts == 1
        assert _events("draft created") == before + 1


def test_a_save_racing_the_signature_never_changes_the_signed_evaluation(racing):
    app = racing
    supervisor = make_user(Role.SUPERVISOR, credential="CPRS 1")
    for n in range(ROUNDS):
        trainee = make_user(Role.TRAINEE, name=f"Casey {n}")
        assign(trainee, supervisor)
        client = app.test_client()
        sign_in(client, supervisor)
        evaluation_id = start(client, trainee)
        post(client, f"/evaluations/{evaluation_id}/edit", answers(2, 2, 2, action="review"))
        sign = (f"/evaluations/{evaluation_id}/sign", {"revision": "2", "confirm": "y"})
        save = (f"/evaluations/{evaluation_id}/edit", answers(0, 0, 0))
        race(
            app,
            as_user(supervisor, lambda c, a=sign: post(c, *a)),
            as_user(supervisor, lambda c, a=save: post(c, *a)),
        )
        final = fetch(CompetencyEvaluation, evaluation_id)
        if final.status == "signed":  # signed first: the save was refused
            assert final.revision == 2
            assert final.ratings["engages"]["rating"] == 2
        else:  # saved first: the signature of what was reviewed was refused
            assert final.revision == 3 and final.ratings["engages"]["rating"] == 0
