"""Who may see and do what: the supervisor their own evaluations of trainees they supervise,
the trainee their signed ones, a lead all of them; everyone else is refused, and an evaluation
that isn't theirs is "not found"."""

from __future__ import annotations

import pytest

from tests.helpers import fetch, make_user, post, save, sign_in, text_of
from tests.training.evaluations.conftest import answers, signed, start
from training.evaluations.models import CompetencyEvaluation
from training.models import Role, SupervisorAssignment


@pytest.fixture
def draft_and_signed(app, people):
    """A draft and a signed evaluation of Riley by Sam (and Sam signed out again)."""
    client = app.test_client()
    sign_in(client, people.supervisor)
    signed_id = signed(client, people.trainee, 2, 2, 2)
    draft_id = start(client, people.trainee)
    post(client, f"/evaluations/{draft_id}/edit", answers(3))
    return draft_id, signed_id


def supervisor_pages(people, draft_id):  # type: ignore[no-untyped-def]
    trainee = people.trainee.id
    return [
        ("GET", f"/evaluations/trainees/{trainee}"),
        ("POST", f"/evaluations/trainees/{trainee}/start"),
        ("GET", f"/evaluations/{draft_id}/edit"),
        ("POST", f"/evaluations/{draft_id}/edit"),
        ("GET", f"/evaluations/{draft_id}/sign"),
        ("POST", f"/evaluations/{draft_id}/sign"),
    ]


def call(client, method, url):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(url)
    return post(client, url, answers(0, 0, 0, comment_0="x", comment_1="x", comment_2="x") | {
        "revision": "2", "confirm": "y"
    })  # fmt: skip


def test_another_supervisor_finds_nothing(client, people, draft_and_signed):
    draft_id, _ = draft_and_signed
    sign_in(client, people.other_supervisor)
    for method, url in supervisor_pages(people, draft_id):
        assert call(client, method, url).status_code == 404, url
    for evaluation_id in draft_and_signed:
        assert client.get(f"/evaluations/{evaluation_id}").status_code == 404
    assert "Riley Chen" not in text_of(client.get("/evaluations/"))
    assert fetch(CompetencyEvaluation, draft_id).revision == 2  # nothing changed


def test_a_supervisor_no_longer_assigned_finds_nothing(client, people, draft_and_signed):
    from tests.helpers import in_app
    from training.extensions import db

    draft_id, signed_id = draft_and_signed
    with in_app():
        db.session.query(SupervisorAssignment).delete()
        db.session.commit()
    sign_in(client, people.supervisor)
    for method, url in supervisor_pages(people, draft_id):
        assert call(client, method, url).status_code == 404, url
    assert client.get(f"/evaluations/{signed_id}").status_code == 404


def test_a_deactivated_supervisor_cannot_sign(app, client, people):
    sign_in(client, people.supervisor)
    draft_id = start(client, people.trainee)
    post(client, f"/evaluations/{draft_id}/edit", answers(2, 2, 2))
    from tests.helpers import in_app
    from training.extensions import db
    from training.models import User

    with in_app():
        db.session.get(User, people.supervisor.id).active = False
        db.session.commit()
    post(client, f"/evaluations/{draft_id}/sign", {"revision": "2", "confirm": "y"})
    assert fetch(CompetencyEvaluation, draft_id).status == "draft"


def test_the_trainee_reads_only_their_signed_evaluations(client, people, draft_and_signed):
    draft_id, signed_id = draft_and_signed
    sign_in(client, people.trainee)
    for method, url in supervisor_pages(people, draft_id):
        assert call(client, method, url).status_code == 403, url
    assert client.get(f"/evaluations/{draft_id}").status_code == 404  # never a draft
    assert client.get(f"/evaluations/{signed_id}").status_code == 200
    assert post(client, f"/evaluations/{signed_id}/void", {"reason": "x"}).status_code == 403
    assert client.get("/evaluations/export").status_code == 403


def test_another_trainee_finds_nothing(client, people, draft_and_signed):
    sign_in(client, people.other_trainee)
    for evaluation_id in draft_and_signed:
        assert client.get(f"/evaluations/{evaluation_id}").status_code == 404
    assert "Sam Supervisor" not in text_of(client.get("/evaluations/"))


def test_a_lead_reads_every_evaluation_but_writes_and_signs_none(client, people, draft_and_signed):
    draft_id, signed_id = draft_and_signed
    sign_in(client, people.lead)
    for method, url in supervisor_pages(people, draft_id):
        assert call(client, method, url).status_code == 403, url
    assert "A draft, not signed yet" in text_of(client.get(f"/evaluations/{draft_id}"))
    assert "Signed by Sam Supervisor" in text_of(client.get(f"/evaluations/{signed_id}"))
    assert fetch(CompetencyEvaluation, draft_id).status == "draft"


def test_a_supervisor_cannot_void(client, people, draft_and_signed):
    _, signed_id = draft_and_signed
    sign_in(client, people.supervisor)
    assert post(client, f"/evaluations/{signed_id}/void", {"reason": "x"}).status_code == 403
    assert client.get("/evaluations/export").status_code == 403
    assert fetch(CompetencyEvaluation, signed_id).status == "signed"


def test_anonymous_visitors_are_sent_to_sign_in(client, people, draft_and_signed):
    draft_id, signed_id = draft_and_signed
    urls = [url for _, url in supervisor_pages(people, draft_id)]
    for url in [*urls, "/evaluations/", f"/evaluations/{signed_id}", "/evaluations/export"]:
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], url


def test_a_supervisor_cannot_evaluate_themselves_or_a_non_trainee(client, people):
    other = make_user(Role.SUPERVISOR, name="Pat Peer")
    save(SupervisorAssignment(trainee_id=other.id, supervisor_id=people.supervisor.id))
    sign_in(client, people.supervisor)
    assert client.get(f"/evaluations/trainees/{other.id}").status_code == 404
    assert post(client, f"/evaluations/trainees/{other.id}/start").status_code == 404


def test_missing_csrf_token_is_refused(client, people):
    sign_in(client, people.supervisor)
    response = client.post(f"/evaluations/trainees/{people.trainee.id}/start")
    assert response.status_code == 400
