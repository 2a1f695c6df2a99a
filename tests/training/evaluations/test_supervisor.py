"""A supervisor evaluates an assigned trainee: starts a draft, saves it, reviews it, signs it;
then it is locked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import (
    fetch,
    find,
    html_of,
    in_app,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
    use_track,
)
from tests.training.evaluations.conftest import RULE, answers, signed, start
from training.evaluations.models import CompetencyEvaluation
from training.extensions import db
from training.models import AuditEvent, Role


def events(action):  # type: ignore[no-untyped-def]
    with in_app():
        return list(
            db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "competency_evaluation", AuditEvent.action == action
                )
            )
        )


def evaluations():  # type: ignore[no-untyped-def]
    with in_app():
        rows = db.session.scalars(select(CompetencyEvaluation)).all()
        db.session.expunge_all()
        return rows


def test_the_supervisor_sees_each_trainee_to_evaluate(as_supervisor, people):
    page = text_of(as_supervisor.get("/evaluations/"))
    assert "Riley Chen Peer Recovery Specialist" in page
    assert "Not started Evaluate Riley Chen" in page
    assert "Blair Other" not in page  # supervised by someone else
    assert 'href="/evaluations/"' in html_of(as_supervisor.get("/supervise/"))  # the nav link


def test_nothing_to_evaluate_when_the_track_asks_for_no_evaluation(app, as_supervisor, people):
    use_track(app, "peer-recovery", evaluation=None)
    assert "nothing to do here" in text_of(as_supervisor.get("/evaluations/"))
    assert as_supervisor.get(f"/evaluations/trainees/{people.trainee.id}").status_code == 404
    assert (
        post(as_supervisor, f"/evaluations/trainees/{people.trainee.id}/start").status_code == 404
    )


def test_the_sign_off_queue_links_each_trainee_to_their_evaluation(app, as_supervisor, people):
    make_entry(people.trainee, people.supervisor, status="submitted")
    link = f'href="/evaluations/trainees/{people.trainee.id}"'
    assert link in html_of(as_supervisor.get("/supervise/"))
    use_track(app, "peer-recovery", evaluation=None)
    assert link not in html_of(as_supervisor.get("/supervise/"))


def test_starting_makes_one_draft_and_records_it(as_supervisor, people):
    first = start(as_supervisor, people.trainee)
    again = start(as_supervisor, people.trainee)
    assert first == again
    [draft] = evaluations()
    assert (draft.status, draft.trainee_id, draft.supervisor_id) == (
        "draft",
        people.trainee.id,
        people.supervisor.id,
    )
    assert (draft.track_id, draft.rule_version) == ("peer-recovery", RULE.version)
    [created] = events("draft created")
    assert (created.actor_id, created.subject_id) == (people.supervisor.id, first)
    page = text_of(as_supervisor.get(f"/evaluations/trainees/{people.trainee.id}"))
    assert "Continue your draft" in page


def test_the_form_groups_competencies_by_domain_with_the_scale_as_radio_buttons(
    as_supervisor, people
):
    evaluation_id = start(as_supervisor, people.trainee)
    response = as_supervisor.get(f"/evaluations/{evaluation_id}/edit")
    page = text_of(response)
    assert page.index("Mentoring/Education") < page.index("Engages peers")
    assert page.index("Shares lived experience") < page.index("Recovery/Wellness Support")
    html = html_of(response)
    assert html.count('type="radio"') == 3 * 4
    assert "<legend>Provides recovery support</legend>" in html
    assert 'value="3"' in html and "Strong" in html
    assert '<label for="comment_1">Comment on “Provides recovery support”</label>' in html


def test_a_draft_saves_partly_and_shows_what_was_saved(as_supervisor, people):
    evaluation_id = start(as_supervisor, people.trainee)
    url = f"/evaluations/{evaluation_id}/edit"
    response = post(as_supervisor, url, answers(3, None, 1, comment_2="Early days."))
    assert response.status_code == 302
    assert "Draft saved" in text_of(as_supervisor.get(url))
    draft = fetch(CompetencyEvaluation, evaluation_id)
    assert draft.ratings == {
        "engages": {"rating": 3, "comment": ""},
        "support": {"rating": None, "comment": ""},
        "lived": {"rating": 1, "comment": "Early days."},
    }
    assert draft.revision == 2
    html = html_of(as_supervisor.get(url))
    assert '<input checked id="rating_0-3"' in html
    assert '<input checked id="rating_2-1"' in html
    assert '<input checked id="rating_1-' not in html
    assert "Early days." in html
    assert events("draft created") and not events("signed")


def test_reviewing_an_incomplete_draft_says_what_is_missing_and_saves_nothing(
    as_supervisor, people
):
    evaluation_id = start(as_supervisor, people.trainee)
    url = f"/evaluations/{evaluation_id}/edit"
    response = post(
        as_supervisor, url, answers(3, None, 1, action="review", overall="Kind and steady.")
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Choose a rating for this competency." in page
    assert "Say why you rated this below Competent" in page
    assert "Kind and steady." in page  # what they typed is kept
    assert '<input checked id="rating_0-3"' in html_of(response)
    draft = fetch(CompetencyEvaluation, evaluation_id)
    assert (draft.revision, draft.ratings, draft.overall_comment) == (1, {}, "")


def test_a_comment_over_its_limit_is_refused_next_to_it(as_supervisor, people):
    evaluation_id = start(as_supervisor, people.trainee)
    response = post(
        as_supervisor, f"/evaluations/{evaluation_id}/edit", answers(2, comment_1="x" * 2001)
    )
    assert response.status_code == 400
    assert "Please use at most 2,000 characters." in text_of(response)
    assert fetch(CompetencyEvaluation, evaluation_id).revision == 1


def test_a_rating_off_the_scale_is_refused(as_supervisor, people):
    evaluation_id = start(as_supervisor, people.trainee)
    data = answers(2, 2, 2) | {"rating_1": "7"}
    response = post(as_supervisor, f"/evaluations/{evaluation_id}/edit", data)
    assert response.status_code == 400
    assert "Not a valid choice" in text_of(response)
    assert fetch(CompetencyEvaluation, evaluation_id).revision == 1


def test_review_then_sign_with_the_statement_and_i_confirm(as_supervisor, people):
    evaluation_id = start(as_supervisor, people.trainee)
    review = post(
        as_supervisor,
        f"/evaluations/{evaluation_id}/edit",
        answers(3, 2, 1, action="review", comment_2="Shares too much too soon."),
    )
    assert review.headers["Location"].endswith(f"/evaluations/{evaluation_id}/sign")
    page = as_supervisor.get(f"/evaluations/{evaluation_id}/sign")
    text = text_of(page)
    assert RULE.statement in text
    assert "Shares lived experience Developing below Competent Shares too much too soon." in text
    assert "I confirm" in text
    unticked = post(as_supervisor, f"/evaluations/{evaluation_id}/sign", {"revision": 2})
    assert unticked.status_code == 400
    assert "Tick “I confirm” to sign the evaluation." in text_of(unticked)
    assert fetch(CompetencyEvaluation, evaluation_id).status == "draft"
    done = post(
        as_supervisor, f"/evaluations/{evaluation_id}/sign", {"revision": 2, "confirm": "y"}
    )
    assert done.status_code == 302
    assert "Signed. Riley Chen can now read your evaluation." in text_of(
        as_supervisor.get(done.headers["Location"])
    )
    evaluation = fetch(CompetencyEvaluation, evaluation_id)
    assert evaluation.status == "signed" and evaluation.signed_at is not None
    assert (evaluation.supervisor_name, evaluation.supervisor_credential) == (
        "Sam Supervisor",
        "CPRS 1234",
    )
    assert evaluation.statement == RULE.statement
    [signing] = events("signed")
    assert (signing.actor_id, signing.from_status, signing.to_status) == (
        people.supervisor.id,
        "draft",
        "signed",
    )


def test_the_signature_keeps_the_name_and_credential_as_they_were(as_supervisor, people):
    evaluation_id = signed(as_supervisor, people.trainee, 2, 2, 2)
    with in_app():
        supervisor = db.session.get(type(people.supervisor), people.supervisor.id)
        supervisor.name, supervisor.credential = "Sam Renamed", "LCSW 1"
        db.session.commit()
    page = text_of(as_supervisor.get(f"/evaluations/{evaluation_id}"))
    assert "Signed by Sam Supervisor (CPRS 1234)" in page


def test_a_signed_evaluation_is_locked(as_supervisor, people):
    evaluation_id = signed(as_supervisor, people.trainee, 2, 3, 2)
    before = fetch(CompetencyEvaluation, evaluation_id)
    edit = as_supervisor.get(f"/evaluations/{evaluation_id}/edit")
    assert edit.headers["Location"].endswith(f"/evaluations/{evaluation_id}")
    changed = post(as_supervisor, f"/evaluations/{evaluation_id}/edit", answers(0, 0, 0))
    assert changed.status_code == 302
    again = post(
        as_supervisor, f"/evaluations/{evaluation_id}/sign", {"revision": 2, "confirm": "y"}
    )
    assert again.status_code == 302
    after = fetch(CompetencyEvaluation, evaluation_id)
    assert (after.ratings, after.signed_at, after.revision) == (
        before.ratings,
        before.signed_at,
        before.revision,
    )
    assert len(events("signed")) == 1
    # a new evaluation starts a new draft; the signed one stays as it was
    assert start(as_supervisor, people.trainee) != evaluation_id


def test_the_service_never_changes_a_signed_evaluation(app, as_supervisor, people):
    from training.evaluations import services

    evaluation_id = signed(as_supervisor, people.trainee, 2, 3, 2)
    before = fetch(CompetencyEvaluation, evaluation_id)
    with app.app_context():
        evaluation = db.session.get(CompetencyEvaluation, evaluation_id)
        supervisor = db.session.get(type(people.supervisor), people.supervisor.id)
        with pytest.raises(services.AlreadyDecided, match="already signed"):
            services.save_draft(
                supervisor, evaluation, RULE, {"engages": services.Answer(0)}, "Changed"
            )
        with pytest.raises(services.AlreadyDecided):
            services.sign(supervisor, evaluation, evaluation.revision)
    after = fetch(CompetencyEvaluation, evaluation_id)
    assert (after.ratings, after.overall_comment, after.status) == (
        before.ratings,
        before.overall_comment,
        "signed",
    )


def test_signing_what_changed_since_the_review_is_refused(as_supervisor, people):
    evaluation_id = start(as_supervisor, people.trainee)
    url = f"/evaluations/{evaluation_id}/edit"
    post(as_supervisor, url, answers(3, 3, 3, action="review"))  # revision 2 reviewed
    post(as_supervisor, url, answers(0, 3, 3, comment_0="Changed my mind."))  # another tab
    response = post(
        as_supervisor, f"/evaluations/{evaluation_id}/sign", {"revision": 2, "confirm": "y"}
    )
    assert response.status_code == 303
    assert "changed since you reviewed it" in text_of(
        as_supervisor.get(response.headers["Location"])
    )
    assert fetch(CompetencyEvaluation, evaluation_id).status == "draft"


def test_an_incomplete_draft_cannot_be_signed(as_supervisor, people):
    evaluation_id = start(as_supervisor, people.trainee)
    post(as_supervisor, f"/evaluations/{evaluation_id}/edit", answers(3, None, 3))
    page = as_supervisor.get(f"/evaluations/{evaluation_id}/sign")
    assert "isn't ready to sign yet" in text_of(page)
    assert "I confirm" not in text_of(page)
    response = post(
        as_supervisor, f"/evaluations/{evaluation_id}/sign", {"revision": 2, "confirm": "y"}
    )
    assert response.status_code == 303
    assert fetch(CompetencyEvaluation, evaluation_id).status == "draft"


def test_a_changed_form_must_be_saved_again_before_signing(app, as_supervisor, people):
    import dataclasses

    evaluation_id = start(as_supervisor, people.trainee)
    post(as_supervisor, f"/evaluations/{evaluation_id}/edit", answers(3, 3, 3))
    use_track(app, "peer-recovery", evaluation=dataclasses.replace(RULE, min_rating="Strong"))
    page = as_supervisor.get(f"/evaluations/{evaluation_id}/sign")
    assert "isn't ready to sign yet" in text_of(page)
    response = post(
        as_supervisor, f"/evaluations/{evaluation_id}/sign", {"revision": 2, "confirm": "y"}
    )
    assert fetch(CompetencyEvaluation, evaluation_id).status == "draft"
    assert "has changed since you saved your draft" in text_of(
        as_supervisor.get(response.headers["Location"])
    )
    post(as_supervisor, f"/evaluations/{evaluation_id}/edit", answers(3, 3, 3))
    done = post(
        as_supervisor, f"/evaluations/{evaluation_id}/sign", {"revision": 3, "confirm": "y"}
    )
    assert done.status_code == 302
    assert fetch(CompetencyEvaluation, evaluation_id).status == "signed"


def test_only_a_supervisor_whose_credential_qualifies_may_sign(app, client, people):
    from certificates.rulebook import SupervisorRule

    use_track(
        app, "peer-recovery", evaluation=RULE, supervisors=SupervisorRule(credentials=("LCSW",))
    )
    sign_in(client, people.supervisor)  # credential "CPRS 1234"
    evaluation_id = start(client, people.trainee)
    post(client, f"/evaluations/{evaluation_id}/edit", answers(3, 3, 3))
    page = text_of(client.get(f"/evaluations/{evaluation_id}/sign"))
    assert "Only supervisors holding one of these credentials may sign" in page
    assert "Your recorded credential is “CPRS 1234”" in page
    assert "I confirm" not in page
    refused = post(client, f"/evaluations/{evaluation_id}/sign", {"revision": 2, "confirm": "y"})
    assert refused.status_code == 303
    assert fetch(CompetencyEvaluation, evaluation_id).status == "draft"
    assert not events("signed")

    licensed = make_user(Role.SUPERVISOR, name="Lee Licensed", credential="LCSW #88")
    from tests.helpers import assign

    assign(people.trainee, licensed)
    other = app.test_client()
    sign_in(other, licensed)
    assert signed(other, people.trainee, 3, 3, 3)
    assert find(CompetencyEvaluation, supervisor_id=licensed.id).status == "signed"
