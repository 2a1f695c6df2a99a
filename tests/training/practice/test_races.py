"""Two people (or two clicks) acting on practice at the same moment: exactly one wins, on SQLite
and PostgreSQL, because the database decides (a conditional UPDATE for reviews, a partial
unique index for new tries). Real requests run in parallel threads against one app on a real
database file (or TEST_DATABASE_URL); a barrier makes them collide. The loser is told plainly,
and nothing of theirs is kept: no second decision, no second response, no audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import (
    as_user,
    assign,
    in_app,
    make_user,
    post,
    race,
    race_app,
)
from tests.training.practice.conftest import serve_practice
from tests.training.practice.test_views import ALL_MET, EXERCISE, responses
from training.extensions import db
from training.models import AuditEvent, Role
from training.practice.models import PracticeResponse

ROUNDS = 3


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        serve_practice(app, tmp_path / "content")
        yield app


def _events(action):
    with in_app():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_type == "practice_response", AuditEvent.action == action)
        )


def _following(url, data):
    """Post, then read the page it leads to (where the flashed message is shown)."""

    def act(client):
        answer = post(client, url, data)
        location = answer.headers.get("Location")
        return client.get(location.split("#")[0]) if location else answer

    return act


def test_two_supervisors_deciding_at_once_leave_one_decision(racing):
    app = racing
    sam, alex = (make_user(Role.SUPERVISOR, name=n) for n in ("Sam Supervisor", "Alex Supervisor"))
    for n in range(ROUNDS):
        trainee = make_user(Role.TRAINEE, name=f"Riley Chen {n}")
        assign(trainee, sam)
        assign(trainee, alex)
        client = app.test_client()
        from tests.helpers import sign_in

        sign_in(client, trainee)
        post(client, EXERCISE, {"text": "It sounds like you feel invisible. Is that right?"})
        [waiting] = responses(trainee.id)
        url = f"/practice/responses/{waiting.id}/review"
        accept = {"decision": "accept", **ALL_MET}
        send_back = {"decision": "return", "feedback": "Name the feeling.", **ALL_MET}
        before = _events("accepted") + _events("returned")
        outcomes = race(
            app, as_user(sam, _following(url, accept)), as_user(alex, _following(url, send_back))
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        won = [o for o in outcomes if "Accepted Riley" in o or "Asked Riley" in o]
        lost = [o for o in outcomes if "already reviewed" in o]
        assert (len(won), len(lost)) == (1, 1), outcomes
        [decided] = responses(trainee.id)
        if "Accepted" in won[0]:
            assert (decided.status, decided.reviewer_id, decided.feedback) == (
                "accepted",
                sam.id,
                None,
            )
        else:
            assert (decided.status, decided.reviewer_id) == ("returned", alex.id)
            assert decided.feedback == "Name the feeling."
        assert _events("accepted") + _events("returned") == before + 1


def test_two_tabs_sending_at_once_leave_one_waiting_response(racing):
    app = racing
    supervisor = make_user(Role.SUPERVISOR)
    for n in range(ROUNDS):
        trainee = make_user(Role.TRAINEE, name=f"Blair {n}")
        assign(trainee, supervisor)
        before = _events("submitted")
        outcomes = race(
            app,
            *(
                as_user(trainee, lambda c, i=i: post(c, EXERCISE, {"text": f"Try from tab {i}"}))
                for i in range(2)
            ),
        )
        assert sorted(o.split(" ")[0] for o in outcomes) == ["302", "400"], outcomes
        assert any("already sent a response that is waiting" in o for o in outcomes), outcomes
        with in_app():
            rows = db.session.scalars(
                select(PracticeResponse).where(PracticeResponse.trainee_id == trainee.id)
            ).all()
        assert [(r.attempt, r.status) for r in rows] == [(1, "submitted")]
        assert _events("submitted") == before + 1
