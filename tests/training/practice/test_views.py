"""Practice with feedback through the app: a trainee writes a response on the module page, a
supervisor of theirs rates it and accepts it or asks for another try, the trainee sees the
feedback and writes again; every denial, bad input, and what a lead sees."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import (
    assign,
    count,
    fetch,
    html_of,
    in_app,
    make_cohort,
    make_user,
    post,
    sign_in,
    text_of,
)
from training import limits
from training.extensions import db
from training.models import AuditEvent, Role, SupervisorAssignment, User
from training.practice.models import PracticeResponse

MODULE = "/learn/basics/first"
EXERCISE = "/practice/basics/reflect-dana"
ALL_MET = {"c-0": "met", "c-1": "met", "c-2": "met"}
COMPLETE = '<span class="progress-text">Complete</span>'
ANSWER = "It sounds like you feel invisible at work.\n\nDid I get that right?"


def responses(trainee_id=None):
    with in_app():
        query = select(PracticeResponse).order_by(PracticeResponse.id)
        if trainee_id is not None:
            query = query.where(PracticeResponse.trainee_id == trainee_id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def events(action):
    with in_app():
        return db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.subject_type == "practice_response", AuditEvent.action == action
            )
        ).all()


def send(client, text=ANSWER):
    return post(client, EXERCISE, {"text": text})


def review(client, response, decision, feedback="", **ratings):
    data = {"decision": decision, "feedback": feedback, **(ratings or ALL_MET)}
    return post(client, f"/practice/responses/{response.id}/review", data)


def as_(client, user):
    sign_in(client, user)
    return client


# --- the trainee writes ------------------------------------------------------------------------


def test_the_module_page_ends_with_the_exercise_and_a_form(client, people):
    sign_in(client, people["trainee"])
    page = client.get(MODULE)
    text = text_of(page)
    assert "Practice: Reflect what Dana feels" in text
    assert "Everyone at work acts like nothing happened." in text  # the scenario
    assert "Write what you would say to Dana next." in text
    assert "What a good answer does" in text and "Gives no advice or solution" in text
    assert "never by name, contact details or date of birth" in text  # the hours' warning
    assert f'maxlength="{limits.PRACTICE_RESPONSE}"' in html_of(page)
    assert "Send to my supervisor" in text and "Not started" in text
    # The other module has no exercise.
    assert "Practice:" not in text_of(client.get("/learn/basics/second"))


def test_sending_a_response_puts_it_in_front_of_the_supervisor(client, people):
    trainee = people["trainee"]
    sign_in(client, trainee)
    answer = send(client)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"{MODULE}#exercise-reflect-dana")
    [response] = responses()
    assert (response.attempt, response.status, response.text) == (1, "submitted", ANSWER)
    assert response.content_version and response.reviewer_id is None
    [event] = events("submitted")
    assert (event.actor_id, event.subject_id) == (trainee.id, response.id)
    page = text_of(client.get(MODULE))
    assert "Waiting for your supervisor" in page and "Did I get that right?" in page
    assert "Send to my supervisor" not in page  # nothing to send while one waits


def test_a_second_response_while_one_waits_is_refused(client, people):
    sign_in(client, people["trainee"])
    send(client)
    again = send(client, "Another go")
    assert again.status_code == 400
    assert "already sent a response that is waiting" in text_of(again)
    assert "no supervisor assigned" not in text_of(again)
    assert "Another go</textarea>" in html_of(again)  # what they wrote is not lost
    assert len(responses()) == 1 and len(events("submitted")) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write your response before sending it."),
        ("   \n ", "Write your response before sending it."),
        ("x" * (limits.PRACTICE_RESPONSE + 1), "Please use at most 4,000 characters."),
    ],
)
def test_empty_or_over_long_responses_are_refused_and_change_nothing(client, people, text, message):
    sign_in(client, people["trainee"])
    answer = send(client, text)
    assert answer.status_code == 400
    assert message in text_of(answer)
    assert responses() == [] and events("submitted") == []
    if text.strip():  # what they wrote is still there to shorten
        assert text in html_of(answer)


def test_a_trainee_without_a_supervisor_is_told_instead_of_given_a_form(client, people):
    loner = make_user(Role.TRAINEE, name="Lone Trainee")
    sign_in(client, loner)
    page = text_of(client.get(MODULE))
    assert "You have no supervisor assigned yet" in page
    assert "Send to my supervisor" not in page
    answer = send(client)
    assert answer.status_code == 400 and "no supervisor assigned" in text_of(answer)
    assert responses() == []


def test_other_roles_see_the_exercise_but_cannot_send(client, people):
    for role in ("supervisor", "lead"):
        sign_in(client, people[role])
        page = text_of(client.get(MODULE))
        assert "Practice: Reflect what Dana feels" in page
        assert "Send to my supervisor" not in page and "Not started" not in page
        assert send(client).status_code == 403
    assert responses() == []


def test_unknown_exercises_and_courses_are_not_found(client, people):
    sign_in(client, people["trainee"])
    assert client.get("/practice/basics/no-such-exercise").status_code == 404
    assert post(client, "/practice/nope/reflect-dana", {"text": "x"}).status_code == 404
    assert client.get("/practice/responses/999999").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    for answer in (
        client.get(EXERCISE),
        post(client, EXERCISE, {"text": "x"}),
        client.get("/practice/responses/1"),
        post(client, "/practice/responses/1/review", {"decision": "accept"}),
    ):
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_missing_csrf_token_is_refused(client, people):
    sign_in(client, people["trainee"])
    assert client.post(EXERCISE, data={"text": ANSWER}).status_code == 400
    assert responses() == []


# --- the supervisor reviews --------------------------------------------------------------------


@pytest.fixture
def waiting(client, people):
    """A response Riley sent, and a client for each person."""
    sign_in(client, people["trainee"])
    send(client)
    [response] = responses()
    return response


def test_the_queue_shows_responses_from_own_trainees_only(app, people, waiting):
    other_supervisor = make_user(Role.SUPERVISOR, name="Other Supervisor")
    mine = text_of(as_(app.test_client(), people["supervisor"]).get("/supervise/"))
    assert "Practice responses" in mine and "Riley Chen: Reflect what Dana feels" in mine
    assert "Write what you would say to Dana next." in mine and "Did I get that right?" in mine
    assert "Checks the guess with Dana" in mine  # each criterion, to rate
    theirs = text_of(as_(app.test_client(), other_supervisor).get("/supervise/"))
    assert "No practice responses are waiting" in theirs and "Dana" not in theirs


def test_asking_for_another_try_needs_feedback_and_every_rating(app, people, waiting):
    supervisor = as_(app.test_client(), people["supervisor"])
    no_feedback = review(
        supervisor, waiting, "return", "", **{"c-0": "met", "c-1": "met", "c-2": "not_yet"}
    )
    assert no_feedback.status_code == 400
    assert "Write some feedback" in text_of(no_feedback)
    unrated = review(supervisor, waiting, "return", "Ask first.", **{"c-0": "met"})
    assert unrated.status_code == 400 and "Rate every point" in text_of(unrated)
    assert "Ask first." in html_of(unrated)  # the feedback written is kept
    assert fetch(PracticeResponse, waiting.id).status == "submitted"
    assert events("returned") == []


def test_accepting_needs_every_point_met(app, people, waiting):
    supervisor = as_(app.test_client(), people["supervisor"])
    answer = review(supervisor, waiting, "accept", **{"c-0": "met", "c-1": "not_yet", "c-2": "met"})
    assert answer.status_code == 400 and "accepted when it meets every point" in text_of(answer)
    # next to the points to rate, not under the feedback box
    page = html_of(answer)
    assert page.index("accepted when it meets every point") < page.index("<legend>")
    assert fetch(PracticeResponse, waiting.id).status == "submitted"


def test_over_long_feedback_is_refused(app, people, waiting):
    supervisor = as_(app.test_client(), people["supervisor"])
    answer = review(supervisor, waiting, "return", "f" * (limits.PRACTICE_FEEDBACK + 1))
    assert answer.status_code == 400 and "at most 2,000 characters" in text_of(answer)
    assert fetch(PracticeResponse, waiting.id).status == "submitted"


def test_another_try_then_acceptance_completes_the_course(app, client, people, waiting):
    from tests.training.certs.test_views import complete_course
    from training.certs.services import checklist
    from training.hours.services import track_for

    trainee, supervisor_user = people["trainee"], people["supervisor"]
    with app.app_context():
        complete_course(trainee)  # every module read and the quiz passed
    supervisor = as_(app.test_client(), supervisor_user)
    ratings = {"c-0": "met", "c-1": "met", "c-2": "not_yet"}
    answer = review(supervisor, waiting, "return", "Check your guess with Dana.", **ratings)
    assert answer.status_code == 302
    returned = fetch(PracticeResponse, waiting.id)
    assert (returned.status, returned.reviewer_id) == ("returned", supervisor_user.id)
    assert returned.ratings == {"0": True, "1": True, "2": False}
    assert returned.feedback == "Check your guess with Dana." and returned.reviewed_at
    [event] = events("returned")
    assert (event.actor_id, event.comment) == (supervisor_user.id, "Check your guess with Dana.")

    # The trainee sees what to change, with their last try filled in.
    page = client.get(MODULE)
    text = text_of(page)
    assert "Your supervisor asked for another try" in text
    assert (
        "Checks the guess with Dana: not yet" in text and "Gives no advice or solution: met" in text
    )
    assert "Check your guess with Dana." in text
    assert "Did I get that right?</textarea>" in html_of(page)
    assert "75% · 2 of 2 modules, 0 of 1 exercises accepted, quiz passed" in text_of(
        client.get("/learn/basics/")
    )

    send(client, "You feel invisible at work. Is that close?")
    second = responses()[-1]
    assert (second.attempt, second.status) == (2, "submitted")
    assert review(supervisor, second, "accept", "Well reflected.").status_code == 302
    assert fetch(PracticeResponse, second.id).status == "accepted"
    assert len(events("accepted")) == 1
    text = text_of(client.get(MODULE))
    assert "Accepted on" in text and "Well reflected." in text
    assert "Send to my supervisor" not in text
    assert "Your tries so far (2)" in text  # the history is kept
    assert COMPLETE in html_of(client.get("/learn/basics/"))
    with app.app_context():
        user = db.session.get(User, trainee.id)
        items = {i.label: i.met for i in checklist(user, track_for(user)).items}
    assert any(met for label, met in items.items() if "Basics" in label)
    # Accepted: no further try is taken.
    again = send(client, "One more")
    assert again.status_code == 400 and "already been accepted" in text_of(again)
    assert "<textarea" not in html_of(again)  # no box to write in that nothing could be sent from
    assert len(responses()) == 2


def test_without_accepted_practice_the_course_is_not_complete(app, client, people, waiting):
    from tests.training.certs.test_views import complete_course

    with app.app_context():
        complete_course(people["trainee"])
    page = client.get("/learn/basics/")
    assert COMPLETE not in html_of(page)
    assert "75% · 2 of 2 modules, 0 of 1 exercises accepted, quiz passed" in text_of(page)


def test_only_a_supervisor_of_the_trainee_may_review(app, people, waiting):
    stranger = make_user(Role.SUPERVISOR, name="Stranger Supervisor")
    other_trainee = make_user(Role.TRAINEE)
    for user, status in ((stranger, 404), (people["trainee"], 403), (people["lead"], 403)):
        assert review(as_(app.test_client(), user), waiting, "accept").status_code == status
    assert (
        as_(app.test_client(), stranger).get(f"/practice/responses/{waiting.id}").status_code == 404
    )
    assert (
        as_(app.test_client(), other_trainee).get(f"/practice/responses/{waiting.id}").status_code
        == 404
    )
    assert fetch(PracticeResponse, waiting.id).status == "submitted"
    assert events("accepted") == []


def test_the_response_page_for_its_trainee_supervisor_and_lead(app, people, waiting):
    url = f"/practice/responses/{waiting.id}"
    own = text_of(as_(app.test_client(), people["supervisor"]).get(url))
    assert "Your review" in own and "Did I get that right?" in own
    lead = as_(app.test_client(), people["lead"]).get(url)
    assert lead.status_code == 200 and "Your review" not in text_of(lead)
    mine = as_(app.test_client(), people["trainee"]).get(url)
    assert mine.status_code == 200 and "Your review" not in text_of(mine)


def test_a_removed_supervisor_can_no_longer_review_and_the_new_one_can(app, people, waiting):
    with in_app():
        db.session.execute(
            SupervisorAssignment.__table__.delete().where(
                SupervisorAssignment.supervisor_id == people["supervisor"].id
            )
        )
        db.session.commit()
    old = as_(app.test_client(), people["supervisor"])
    assert review(old, waiting, "accept").status_code == 404
    assert "Dana" not in text_of(old.get("/supervise/"))
    newcomer = make_user(Role.SUPERVISOR, name="New Supervisor")
    assign(people["trainee"], newcomer)
    assert review(as_(app.test_client(), newcomer), waiting, "accept").status_code == 302
    assert fetch(PracticeResponse, waiting.id).reviewer_id == newcomer.id


def test_removing_the_last_supervisor_sends_waiting_practice_back_to_the_trainee(
    app, people, waiting
):
    """Nobody could review it any more, and the trainee could not send a new try: it goes back,
    with the text kept, and the lead is told."""
    trainee, supervisor = people["trainee"], people["supervisor"]
    lead = as_(app.test_client(), people["lead"])
    url = f"/lead/people/{trainee.id}/supervisors/{supervisor.id}/remove"
    told = text_of(post(lead, url, {}, follow_redirects=True))
    assert "1 practice response went back to trainees who have no supervisor left" in told
    back = fetch(PracticeResponse, waiting.id)
    assert back.status == "returned" and back.reviewer_id is None
    [event] = events("returned")
    assert event.actor_id == people["lead"].id
    page = text_of(as_(app.test_client(), trainee).get(MODULE))
    assert "Sent back: no supervisor could review it" in page
    assert "Did I get that right?" in page  # the text is kept for the next try


def test_removing_one_of_two_supervisors_leaves_practice_waiting(app, people, waiting):
    other = make_user(Role.SUPERVISOR, name="Other Supervisor")
    assign(people["trainee"], other)
    lead = as_(app.test_client(), people["lead"])
    post(
        lead,
        f"/lead/people/{people['trainee'].id}/supervisors/{people['supervisor'].id}/remove",
        {},
    )
    assert fetch(PracticeResponse, waiting.id).status == "submitted"
    assert review(as_(app.test_client(), other), waiting, "accept").status_code == 302


def test_a_second_decision_on_one_response_is_refused_plainly(app, people, waiting):
    supervisor = as_(app.test_client(), people["supervisor"])
    assert review(supervisor, waiting, "accept").status_code == 302
    late = review(supervisor, waiting, "return", "Too late")
    assert late.status_code == 303
    assert "already reviewed" in text_of(supervisor.get(late.headers["Location"]))
    kept = fetch(PracticeResponse, waiting.id)
    assert (kept.status, kept.feedback) == ("accepted", None)
    assert events("returned") == []


# --- the lead ----------------------------------------------------------------------------------


def test_the_cohort_dashboard_counts_practice_per_trainee(app, people, waiting):
    cohort = make_cohort()
    with in_app():
        for user in (people["trainee"],):
            db.session.get(User, user.id).cohort_id = cohort.id
        db.session.commit()
    idle = make_user(Role.TRAINEE, name="Idle Trainee", cohort_id=cohort.id)
    assert idle
    lead = as_(app.test_client(), people["lead"])
    page = text_of(lead.get(f"/lead/cohorts/{cohort.id}"))
    assert "0/1 accepted · 1 waiting" in page
    assert "0/1 accepted · 1 not started" in page
    review(as_(app.test_client(), people["supervisor"]), waiting, "return", "Try again.",
           **{"c-0": "met", "c-1": "met", "c-2": "not_yet"})  # fmt: skip
    assert "0/1 accepted · 1 returned" in text_of(lead.get(f"/lead/cohorts/{cohort.id}"))
    csv = lead.get(f"/lead/cohorts/{cohort.id}?format=csv").get_data(as_text=True)
    assert '"Practice exercises accepted"' in csv


def test_practice_events_are_in_the_audit_log(app, people, waiting):
    review(as_(app.test_client(), people["supervisor"]), waiting, "accept")
    page = text_of(
        as_(app.test_client(), people["lead"]).get("/lead/audit?subject=practice_response")
    )
    assert "Practice response" in page and "accepted" in page and "submitted" in page
    assert count(AuditEvent) >= 2


def test_the_navigation_counts_practice_waiting_for_the_supervisor(app, people, waiting):
    supervisor = as_(app.test_client(), people["supervisor"])
    page = text_of(supervisor.get("/learn/"))
    assert "Sign-off queue 1 waiting" in page
    queue = text_of(supervisor.get("/supervise/"))
    assert "Nothing is waiting for your sign-off." in queue  # no hours: the count is practice
    review(supervisor, waiting, "accept")
    assert "Sign-off queue 1 waiting" not in text_of(supervisor.get("/learn/"))


def test_on_an_auto_issuing_track_acceptance_that_completes_the_record_issues(app, tmp_path):
    from tests.training.certs.test_views import make_eligible
    from tests.training.practice.conftest import serve_practice
    from training.models import Certificate

    serve_practice(app, tmp_path / "auto", track=True, auto_issue=True)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor)  # everything but the practice
    assert count(Certificate) == 0
    send(as_(app.test_client(), trainee))
    [response] = responses()
    assert count(Certificate) == 0
    assert review(as_(app.test_client(), supervisor), response, "accept").status_code == 302
    assert count(Certificate) == 1
