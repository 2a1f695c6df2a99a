"""Extra attempts a program lead grants a trainee at one course's quiz: the form (from the
trainee's page and the quiz statistics), its checks, the audit trail, and who may use it.

Leads run the whole program (there are no leads "of" a cohort), so any lead may grant any
trainee; everyone else is refused, and a person who is not a trainee is "not found"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import count, html_of, in_app, make_cohort, make_user, post, sign_in, text_of
from tests.training.learning.quiz_course import finished, serve, start, take
from training import limits
from training.extensions import db
from training.learning.models import ExtraAttempts
from training.models import AuditEvent, Role, User

URL = "/lead/people/{}/quiz-attempts/care"


@pytest.fixture
def people(app, tmp_path):
    serve(app, tmp_path, quiz="max_attempts = 2\nwait_minutes = 0")
    lead = make_user(Role.LEAD, name="Morgan Lead")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    return lead, trainee


def _used_up(app, trainee):
    client = app.test_client()
    sign_in(client, trainee)
    take(client, wrong={"f1", "f2"})
    take(client, wrong={"f1", "f2"})
    return client


def _as(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_a_lead_grants_extra_attempts_and_the_trainee_may_try_again(app, people):
    lead, trainee = people
    trainee_client = _used_up(app, trainee)
    assert "You have used all 2 attempts" in text_of(trainee_client.get("/learn/care/quiz"))

    lead_client = _as(app, lead)
    page = text_of(lead_client.get(URL.format(trainee.id)))
    assert "Riley Chen has not passed this quiz yet. They have used 2 of 2 attempts." in page
    assert "reviews of their attempts show the questions they were asked" in page
    reason = "Reread the limits module with their supervisor."
    granted = post(lead_client, URL.format(trainee.id), {"attempts": "2", "reason": reason})
    assert granted.status_code == 302
    page = text_of(lead_client.get(granted.headers["Location"]))
    assert "Riley Chen has 2 more attempts at the quiz of “Care”." in page
    assert "They have used 2 of 4 attempts (2 from the quiz and 2 extra)." in page
    assert "2 on " in page and f"by Morgan Lead: “{reason}”" in page

    quiz = text_of(trainee_client.get("/learn/care/quiz"))
    assert (
        "You have used 2 of your 4 attempts (including 2 extra granted by your program lead): "
        "2 left." in quiz
    )
    take(trainee_client, wrong={"f1", "f2"})
    take(trainee_client, wrong={"f1", "f2"})
    refused = text_of(post(trainee_client, "/learn/care/quiz/start", follow_redirects=True))
    assert "You have used all 4 attempts" in refused
    assert len(finished(trainee)) == 4

    with in_app():
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "extra quiz attempts granted")
        ).all()
        assert (event.actor_id, event.subject_id) == (lead.id, trainee.id)
        assert event.subject_type == "user"
        assert event.comment == f"2 extra attempts at the quiz of “Care”: {reason}"
    audit = text_of(lead_client.get(f"/lead/audit?subject=user&id={trainee.id}"))
    assert "extra quiz attempts granted" in audit.lower()


def test_the_trainees_page_and_the_quiz_statistics_lead_to_the_form(app, people):
    lead, trainee = people
    other = make_user(Role.TRAINEE, name="Sam Other")
    _used_up(app, trainee)
    lead_client = _as(app, lead)
    link = f'href="{URL.format(trainee.id)}"'
    person = lead_client.get(f"/lead/people/{trainee.id}")
    assert link in html_of(person)
    assert "Care 2 of 2 No attempts left Grant extra attempts at Care" in text_of(person)
    statistics = html_of(lead_client.get("/lead/quizzes"))
    assert link in statistics and "No attempts left, not passed" in statistics
    assert f"/lead/people/{other.id}/quiz-attempts" not in statistics  # has attempts left
    # for one cohort: only its trainees
    cohort = make_cohort()
    assert link not in html_of(lead_client.get(f"/lead/quizzes?cohort={cohort.id}"))
    with in_app():
        db.session.get(User, trainee.id).cohort_id = cohort.id
        db.session.commit()
    assert link in html_of(lead_client.get(f"/lead/quizzes?cohort={cohort.id}"))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"attempts": "1", "reason": ""}, "Say why you are granting extra attempts."),
        ({"attempts": "1", "reason": "x" * (limits.REASON + 1)}, "at most 2,000 characters"),
        ({"attempts": "9", "reason": "Because."}, "Choose from 1 to 5 extra attempts."),
        ({"attempts": "0", "reason": "Because."}, "Choose from 1 to 5 extra attempts."),
        ({"attempts": "many", "reason": "Because."}, "Choose from 1 to 5 extra attempts."),
    ],
)
def test_a_grant_without_a_reason_or_out_of_range_is_refused(app, people, form, message):
    lead, trainee = people
    response = post(_as(app, lead), URL.format(trainee.id), form)
    assert response.status_code == 400 and message in text_of(response)
    assert count(ExtraAttempts) == 0 and count(AuditEvent) == 0


def test_a_reason_of_exactly_the_limit_is_kept(app, people):
    lead, trainee = people
    reason = "é" * limits.REASON
    post(_as(app, lead), URL.format(trainee.id), {"attempts": "1", "reason": reason})
    with in_app():
        assert db.session.scalar(select(ExtraAttempts.reason)) == reason


def test_granting_needs_csrf(app, people):
    lead, trainee = people
    client = _as(app, lead)
    response = client.post(URL.format(trainee.id), data={"attempts": "1", "reason": "Because."})
    assert response.status_code == 400
    assert count(ExtraAttempts) == 0


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_nobody_but_a_lead_may_grant(app, people, role):
    _, trainee = people
    for who in (make_user(role), trainee) if role == Role.TRAINEE else (make_user(role),):
        client = _as(app, who)
        assert client.get(URL.format(trainee.id)).status_code == 403
        form = {"attempts": "5", "reason": "I want more."}
        assert post(client, URL.format(trainee.id), form).status_code == 403
    assert count(ExtraAttempts) == 0


def test_anonymous_visitors_must_sign_in(app, client, people):
    _, trainee = people
    for response in (
        client.get(URL.format(trainee.id)),
        post(client, URL.format(trainee.id), {"attempts": "1", "reason": "x"}),
    ):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(ExtraAttempts) == 0


def test_any_lead_may_grant_any_trainee_whatever_their_cohort(app, people):
    """Leads are not scoped to cohorts: a second lead, who created nothing for this trainee,
    may grant too (and both grants add up)."""
    lead, trainee = people
    trainee.cohort_id = make_cohort("Autumn").id
    second = make_user(Role.LEAD, name="Another Lead")
    for who in (lead, second):
        post(_as(app, who), URL.format(trainee.id), {"attempts": "1", "reason": "Granted."})
    with in_app():
        grants = db.session.scalars(select(ExtraAttempts)).all()
        assert {g.granted_by_id for g in grants} == {lead.id, second.id}
    client = _as(app, trainee)
    assert "of your 4 attempts" in text_of(client.get("/learn/care/quiz"))


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEAD])
def test_only_trainees_can_be_granted_attempts(app, people, role):
    lead, _ = people
    someone = make_user(role)
    client = _as(app, lead)
    assert client.get(URL.format(someone.id)).status_code == 404
    form = {"attempts": "1", "reason": "Because."}
    assert post(client, URL.format(someone.id), form).status_code == 404
    assert count(ExtraAttempts) == 0


def test_an_unknown_person_or_course_is_not_found(app, people):
    lead, trainee = people
    client = _as(app, lead)
    assert client.get(URL.format(999999)).status_code == 404
    assert client.get(f"/lead/people/{trainee.id}/quiz-attempts/nope").status_code == 404
    form = {"attempts": "1", "reason": "Because."}
    assert post(client, f"/lead/people/{trainee.id}/quiz-attempts/nope", form).status_code == 404


def test_a_quiz_without_a_limit_has_nothing_to_grant(app, tmp_path, people):
    lead, trainee = people
    serve(app, tmp_path, quiz="max_attempts = 0")
    client = _as(app, lead)
    page = text_of(client.get(URL.format(trainee.id)))
    assert "allows as many attempts as they need" in page and "Grant extra" not in page
    post(client, URL.format(trainee.id), {"attempts": "1", "reason": "Because."})
    assert count(ExtraAttempts) == 0


def test_grants_are_for_one_course_only(app, tmp_path, people):
    lead, trainee = people
    post(_as(app, lead), URL.format(trainee.id), {"attempts": "1", "reason": "Because."})
    with in_app():
        db.session.execute(db.update(ExtraAttempts).values(course_id="another-course"))
        db.session.commit()
    client = _used_up(app, trainee)
    assert "You have used all 2 attempts" in text_of(client.get("/learn/care/quiz"))
    assert not start(client).startswith("/learn/attempts/")
