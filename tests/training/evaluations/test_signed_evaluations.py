"""``signed_evaluations``, for eligibility: each trainee's latest signed, not voided evaluation
on the track's current form, in one query."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from certificates.evaluation import snapshot
from certificates.rulebook import EvaluationOutcome
from tests.helpers import make_user, save, use_track
from tests.training.evaluations.conftest import RULE
from tests.training.lead.test_cohorts import counting_queries
from training.evaluations.models import CompetencyEvaluation
from training.evaluations.services import signed_evaluations
from training.models import Role

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def evaluation(trainee, supervisor, status="signed", days_ago=0, ratings=(2, 2, 2), **fields):  # type: ignore[no-untyped-def]
    row = CompetencyEvaluation(
        trainee_id=trainee.id,
        supervisor_id=supervisor.id,
        track_id=fields.pop("track_id", "peer-recovery"),
        rule_version=fields.pop("rule_version", RULE.version),
        form=snapshot(RULE),
        ratings={
            c.id: {"rating": r, "comment": ""}
            for c, r in zip(RULE.competencies, ratings, strict=True)
        },
        status=status,
        signed_at=None if status == "draft" else NOW - timedelta(days=days_ago),
        supervisor_name=supervisor.name,
        supervisor_credential="CPRS 1",
        **fields,
    )
    save(row)
    return row


def test_each_trainee_gets_their_latest_signed_evaluation_on_the_current_form(app):
    track = use_track(app, "peer-recovery", evaluation=RULE)
    sam = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    riley, blair, casey, drew, ellis = (make_user(Role.TRAINEE) for _ in range(5))
    evaluation(riley, sam, days_ago=30, ratings=(1, 1, 1))
    evaluation(riley, sam, days_ago=2, ratings=(3, 2, 3))  # the latest
    evaluation(riley, sam, status="draft", ratings=(0, 0, 0))
    evaluation(blair, sam, status="voided", voided_at=NOW)  # voided: no longer counts
    evaluation(casey, sam, rule_version="older")  # an older form
    evaluation(drew, sam, track_id="another-track")
    with app.app_context(), counting_queries(app) as queries:
        found = signed_evaluations([riley.id, blair.id, casey.id, drew.id, ellis.id], track)
    assert len(queries) == 1
    assert found == {
        riley.id: EvaluationOutcome(
            {"engages": 3, "support": 2, "lived": 3},
            (NOW - timedelta(days=2)).date(),
            "Sam Supervisor",
            RULE.version,
        ),
        blair.id: None,
        casey.id: None,
        drew.id: None,
        ellis.id: None,
    }


def test_none_for_everyone_when_the_track_has_no_evaluation(app):
    sam = make_user(Role.SUPERVISOR)
    riley = make_user(Role.TRAINEE)
    evaluation(riley, sam)
    track = use_track(app, "peer-recovery", evaluation=None)
    with app.app_context(), counting_queries(app) as queries:
        assert signed_evaluations([riley.id], track) == {riley.id: None}
    assert queries == []


def test_a_changed_form_asks_for_a_new_evaluation(app):
    sam = make_user(Role.SUPERVISOR)
    riley = make_user(Role.TRAINEE)
    evaluation(riley, sam)
    track = use_track(app, "peer-recovery", evaluation=dataclasses.replace(RULE, title="New"))
    with app.app_context():
        assert signed_evaluations([riley.id], track) == {riley.id: None}
