"""The trainee reads their signed evaluations; a lead lists every evaluation (by status and
cohort), exports them as CSV and voids a signed one with a reason."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.helpers import (
    assign,
    fetch,
    in_app,
    make_cohort,
    make_user,
    post,
    sign_in,
    text_of,
)
from tests.training.evaluations.conftest import answers, signed, start
from training.evaluations.models import CompetencyEvaluation
from training.extensions import db
from training.models import AuditEvent, Role, User


@pytest.fixture
def evaluated(app, people):
    """Riley's evaluation signed by Sam; Blair's draft by Alex."""
    sam = app.test_client()
    sign_in(sam, people.supervisor)
    signed_id = signed(
        sam, people.trainee, 3, 1, 2, comment_1="Rushes to advice; working on it.",
    )  # fmt: skip
    alex = app.test_client()
    sign_in(alex, people.other_supervisor)
    draft_id = start(alex, people.other_trainee)
    post(alex, f"/evaluations/{draft_id}/edit", answers(0, 0, 0, overall="Secret draft words"))
    return signed_id, draft_id


def test_the_trainee_reads_their_signed_evaluation(client, people, evaluated):
    signed_id, _ = evaluated
    sign_in(client, people.trainee)
    listing = text_of(client.get("/evaluations/"))
    assert "Competency evaluation, signed" in listing
    assert "By Sam Supervisor (CPRS 1234)." in listing
    page = text_of(client.get(f"/evaluations/{signed_id}"))
    assert "Signed by Sam Supervisor (CPRS 1234) on" in page
    assert "Engages peers in caring relationships Strong" in page
    assert (
        "Provides recovery support Developing below Competent Rushes to advice; working on it."
        in page
    )
    assert "I have observed this trainee's work over at least three months." in page
    assert "Void" not in page


def test_the_trainee_sees_no_draft(client, people, evaluated):
    sign_in(client, people.other_trainee)  # Blair: only a draft so far
    page = text_of(client.get("/evaluations/"))
    assert "It shows here once signed" in page
    assert "Secret draft words" not in page


def test_the_lead_lists_every_evaluation_and_filters_them(client, people, evaluated):
    cohort = make_cohort("Autumn 2026")
    with in_app():
        db.session.get(User, people.trainee.id).cohort_id = cohort.id
        db.session.commit()
    sign_in(client, people.lead)
    page = text_of(client.get("/evaluations/"))
    assert "2 evaluations." in page
    assert "Riley Chen Autumn 2026 Sam Supervisor Signed" in page
    assert "Blair Other — Alex Other Draft, not signed yet" in page
    assert "Blair" not in text_of(client.get("/evaluations/?status=signed"))
    drafts = text_of(client.get("/evaluations/?status=draft"))
    assert "Riley" not in drafts and "Blair Other" in drafts
    in_cohort = text_of(client.get(f"/evaluations/?cohort={cohort.id}"))
    assert "1 evaluation." in in_cohort and "Riley Chen" in in_cohort
    assert "No evaluations match." in text_of(client.get("/evaluations/?status=voided"))
    assert client.get("/evaluations/?cohort=abc&status=nonsense").status_code == 200


def test_the_lead_exports_the_ratings_in_words(client, people, evaluated):
    with in_app():
        db.session.get(User, people.trainee.id).name = "=Riley Chen"  # a formula, neutralised
        db.session.commit()
    sign_in(client, people.lead)
    response = client.get("/evaluations/export")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Trainee",
        "Track",
        "Supervisor",
        "Supervisor's credential",
        "Status",
        "Signed on",
        "Voided on",
        "Engages peers in caring relationships",
        "Provides recovery support",
        "Shares lived experience",
    ]
    by_status = {row[4]: row for row in rows[1:]}
    riley = by_status["Signed"]
    assert riley[0] == "'=Riley Chen"
    assert riley[2:4] == ["Sam Supervisor", "CPRS 1234"]
    assert riley[5] == fetch(CompetencyEvaluation, evaluated[0]).signed_at.date().isoformat()
    assert riley[7:] == ["Strong", "Developing", "Competent"]
    blair = by_status["Draft, not signed yet"]
    assert blair[0] == "Blair Other" and blair[7:] == ["", "", ""]  # a draft's ratings may change
    only_drafts = client.get("/evaluations/export?status=draft").get_data(as_text=True)
    assert "Riley" not in only_drafts


def test_the_lead_voids_a_signed_evaluation_with_a_reason(client, people, evaluated):
    signed_id, _ = evaluated
    sign_in(client, people.lead)
    page = text_of(client.get(f"/evaluations/{signed_id}"))
    assert "Void this evaluation" in page
    refused = post(client, f"/evaluations/{signed_id}/void", {"reason": "  "})
    assert refused.status_code == 400
    assert "Give the reason for voiding this evaluation" in text_of(refused)
    too_long = post(client, f"/evaluations/{signed_id}/void", {"reason": "x" * 2001})
    assert too_long.status_code == 400
    assert "Please use at most 2,000 characters." in text_of(too_long)
    assert fetch(CompetencyEvaluation, signed_id).status == "signed"

    done = post(client, f"/evaluations/{signed_id}/void", {"reason": "Signed by the wrong person."})
    assert done.status_code == 302
    assert "no longer counts toward the certificate" in text_of(
        client.get(done.headers["Location"])
    )
    voided = fetch(CompetencyEvaluation, signed_id)
    assert (voided.status, voided.voided_by_id, voided.void_reason) == (
        "voided",
        people.lead.id,
        "Signed by the wrong person.",
    )
    assert voided.ratings["engages"] == {"rating": 3, "comment": ""}  # the record stays
    with in_app():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "voided")).all()
        assert (event.subject_type, event.subject_id, event.actor_id, event.comment) == (
            "competency_evaluation",
            signed_id,
            people.lead.id,
            "Signed by the wrong person.",
        )
    again = post(client, f"/evaluations/{signed_id}/void", {"reason": "Twice."})
    assert again.status_code == 303
    assert fetch(CompetencyEvaluation, signed_id).void_reason == "Signed by the wrong person."

    trainee = client.application.test_client()
    sign_in(trainee, people.trainee)
    seen = text_of(trainee.get(f"/evaluations/{signed_id}"))
    assert "Voided by Morgan Lead" in seen and "Signed by the wrong person." in seen


def test_a_draft_cannot_be_voided(client, people, evaluated):
    _, draft_id = evaluated
    sign_in(client, people.lead)
    response = post(client, f"/evaluations/{draft_id}/void", {"reason": "No."})
    assert response.status_code == 303
    assert fetch(CompetencyEvaluation, draft_id).status == "draft"


def test_a_second_supervisor_writes_their_own_draft(app, people):
    second = make_user(Role.SUPERVISOR, name="Jo Second")
    assign(people.trainee, second)
    sam, jo = app.test_client(), app.test_client()
    sign_in(sam, people.supervisor)
    sign_in(jo, second)
    assert start(sam, people.trainee) != start(jo, people.trainee)
