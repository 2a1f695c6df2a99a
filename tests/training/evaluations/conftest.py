"""The evaluation tests' track rule (three competencies in two domains, a four-step scale with
"Competent" the least that counts) and the people who take part."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from certificates.rulebook import Competency, EvaluationRule
from tests.helpers import assign, make_user, post, sign_in, use_track
from training.models import Role

RULE = EvaluationRule(
    title="Competency evaluation",
    scale=("Not yet", "Developing", "Competent", "Strong"),
    min_rating="Competent",
    competencies=(
        Competency("engages", "Engages peers in caring relationships", "mentoring_education"),
        Competency("support", "Provides recovery support", "recovery_wellness"),
        Competency("lived", "Shares lived experience", "mentoring_education"),
    ),
    statement="I have observed this trainee's work over at least three months.",
)


def answers(*ratings, action="save", overall="", **comments):  # type: ignore[no-untyped-def]
    """The evaluation form as a browser sends it: the ratings in form order (None: not
    chosen), comments by place (``comment_1="…"``) and the button pressed."""
    data = {"action": action, "overall": overall}
    for n, rating in enumerate(ratings):
        if rating is not None:
            data[f"rating_{n}"] = str(rating)
    for n in range(len(RULE.competencies)):
        data[f"comment_{n}"] = comments.get(f"comment_{n}", "")
    return data


def start(client, trainee):  # type: ignore[no-untyped-def]
    """Start (or continue) the evaluation; the draft's id."""
    response = post(client, f"/evaluations/trainees/{trainee.id}/start")
    assert response.status_code == 302, response.status_code
    return int(response.headers["Location"].rstrip("/").split("/")[-2])


def signed(client, trainee, *ratings, **comments):  # type: ignore[no-untyped-def]
    """Start, complete and sign an evaluation of ``trainee``; its id."""
    from tests.helpers import fetch
    from training.evaluations.models import CompetencyEvaluation

    evaluation_id = start(client, trainee)
    sent = post(client, f"/evaluations/{evaluation_id}/edit", answers(*ratings, **comments))
    assert sent.status_code == 302, sent.get_data(as_text=True)
    revision = fetch(CompetencyEvaluation, evaluation_id).revision
    done = post(
        client, f"/evaluations/{evaluation_id}/sign", {"revision": revision, "confirm": "y"}
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    return evaluation_id


@pytest.fixture
def people(app):
    use_track(app, "peer-recovery", evaluation=RULE)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1234")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    other_supervisor = make_user(Role.SUPERVISOR, name="Alex Other", credential="CPRS 9")
    other_trainee = make_user(Role.TRAINEE, name="Blair Other")
    assign(other_trainee, other_supervisor)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    return SimpleNamespace(
        supervisor=supervisor,
        trainee=trainee,
        other_supervisor=other_supervisor,
        other_trainee=other_trainee,
        lead=lead,
    )


@pytest.fixture
def as_supervisor(client, people):
    sign_in(client, people.supervisor)
    return client
