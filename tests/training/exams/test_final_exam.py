"""The platform's own final exam: its rules page, taking it on one page, the result (score,
passed or not, the domains to review, never the key), attempts and waits, a lead's extra
attempt, content edits under an open attempt, the lead's list and CSV, and who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.helpers import count, fetch, find, html_of, in_app, post, text_of, use_track
from tests.training.exams.conftest import (
    answers,
    attempt_at,
    client_of,
    final_exam,
    start,
    take,
)
from training import content, limits
from training.exams.models import FinalExamAttempt, FinalExamExtraAttempt
from training.exams.services import exam_outcomes
from training.extensions import db
from training.hours.services import track_for
from training.models import AttemptStatus, AuditEvent, User, utcnow


def outcome_of(trainee):  # type: ignore[no-untyped-def]
    with in_app():
        return exam_outcomes([trainee.id], track_for(db.session.get(User, trainee.id)))[trainee.id]


def events(action: str) -> list[AuditEvent]:
    with in_app():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return found


def test_the_exam_page_says_what_it_covers_and_how_it_is_passed(app, people, internal):
    client = client_of(app, people["trainee"])
    page = text_of(client.get("/exam/"))
    assert "2 questions on Advocacy 3 questions on Ethical Responsibility" in page
    assert "5 questions in all, answered on one page." in page
    assert "You pass with 80% or more." in page
    assert "You may take it 2 times." in page
    assert "You have used 0 of your 2 attempts: 2 left." in page
    assert "Start the final exam" in page
    assert '<a href="/exam/" aria-current="page">Final exam</a>' in html_of(client.get("/exam/"))


def test_a_trainee_takes_the_exam_and_passes(app, people, internal):
    trainee = people["trainee"]
    client = client_of(app, trainee)
    url = start(client)
    page = text_of(client.get(url))
    assert "Question 1 of 5" in page and "Question 5 of 5" in page
    attempt = attempt_at(url)
    assert attempt.domains == ["advocacy"] * 2 + ["ethical_responsibility"] * 3
    assert [c for c, _ in attempt.refs[:2]] == ["advocacy", "advocacy"]
    assert set(attempt.content_versions) == {c for c, _ in attempt.refs}

    response = post(client, url, answers(url))
    assert response.headers["Location"] == url + "/result"
    result = text_of(client.get(url + "/result"))
    assert "You scored 100% (5 of 5 right)" in result and "You passed" in result
    assert "Advocacy 2 of 2" in result and "Ethical Responsibility 3 of 3" in result

    outcome = outcome_of(trainee)
    assert outcome.passed and outcome.day == utcnow().date()
    assert outcome.detail.startswith("Final exam: passed with 100 % on ")
    (event,) = events("final exam attempt submitted")
    assert (event.actor_id, event.subject_id, event.to_status) == (trainee.id, trainee.id, "passed")
    assert event.comment == "Final exam (peer-recovery): 5 of 5 right, 100 % (pass mark 80 %)"
    page = text_of(client.get("/exam/"))
    assert "You have passed the final exam." in page and "Start" not in page
    assert post(client, "/exam/start").headers["Location"] == "/exam/"
    assert count(FinalExamAttempt) == 1


def test_a_failed_attempt_names_the_domains_to_review_never_the_key(app, people, internal):
    trainee = people["trainee"]
    client = client_of(app, trainee)
    url = start(client)
    post(client, url, answers(url, wrong={1, 2}))
    page = text_of(client.get(url + "/result"))
    assert "You scored 60% (3 of 5 right)" in page and "Not passed yet" in page
    assert "Advocacy 0 of 2" in page and "Ethical Responsibility 3 of 3" in page
    assert "What to review" in page and "Advocacy" in page.split("What to review")[1]
    with in_app():
        library = content.library()
        for course_id, question_id in attempt_at(url).refs:
            question = library.course(course_id).quiz.question(question_id)
            assert question.explanation not in page
            assert question.prompt not in page
    outcome = outcome_of(trainee)
    assert not outcome.passed and "not passed yet (best score 60 %" in outcome.detail
    assert "You have used 1 of your 2 attempts: 1 left." in text_of(client.get("/exam/"))


def test_unanswered_questions_are_refused_and_the_answers_kept(app, people, internal):
    client = client_of(app, people["trainee"])
    url = start(client)
    given = answers(url)
    kept = given.pop("q-4")
    response = post(client, url, given)
    assert response.status_code == 400
    page = text_of(response)
    assert "Please answer every question. Still unanswered: 4." in page
    assert page.count("Please answer this question.") == 1
    assert f'name="q-1" id="q-1-{given["q-1"][0]}" value="{given["q-1"][0]}" checked' in html_of(
        response
    )
    assert kept and attempt_at(url).status == AttemptStatus.IN_PROGRESS
    assert events("final exam attempt submitted") == []


def test_a_tampered_answer_is_refused(app, people, internal):
    client = client_of(app, people["trainee"])
    url = start(client)
    response = post(client, url, {**answers(url), "q-6": ["a"]})
    assert response.status_code == 400
    assert "not part of this attempt" in text_of(response)
    response = post(client, url, {**answers(url), "q-2": ["no-such-option"]})
    assert response.status_code == 400 and "Question 2:" in text_of(response)
    assert attempt_at(url).status == AttemptStatus.IN_PROGRESS


def test_a_second_submission_does_not_count_again(app, people, internal):
    client = client_of(app, people["trainee"])
    url = start(client)
    post(client, url, answers(url, wrong={1, 2, 3}))
    again = post(client, url, answers(url), follow_redirects=True)
    assert "Your first submission is the one that counts." in text_of(again)
    assert not attempt_at(url).passed and len(events("final exam attempt submitted")) == 1


def test_attempts_run_out_and_a_lead_grants_one_more(app, people):
    use_track(app, exam=final_exam(max_attempts=1))
    trainee, lead = people["trainee"], people["lead"]
    client = client_of(app, trainee)
    take(client, wrong={1, 2})
    page = text_of(client.get("/exam/"))
    assert "You have used all 1 attempts at the final exam." in page
    assert "they can grant an extra attempt" in page
    refused = post(client, "/exam/start", follow_redirects=True)
    assert "You have used all 1 attempts" in text_of(refused) and count(FinalExamAttempt) == 1

    lead_client = client_of(app, lead)
    person = text_of(lead_client.get(f"/exam/people/{trainee.id}"))
    assert "Riley Chen has used every attempt without passing. Attempts used: 1 of 1." in person
    reason = "Went over advocacy with their supervisor."
    assert 'name="seen" type="hidden" value="0"' in html_of(
        lead_client.get(f"/exam/people/{trainee.id}")
    )
    granted = post(
        lead_client, f"/exam/people/{trainee.id}/extra-attempt", {"reason": reason, "seen": "0"}
    )
    page = text_of(lead_client.get(granted.location))
    assert "Riley Chen has one more attempt at the final exam." in page
    assert "Attempts used: 1 of 2 (1 from the exam and 1 extra)." in page
    assert f"by Morgan Lead: “{reason}”" in page
    (event,) = events("extra exam attempt granted")
    assert (event.actor_id, event.subject_id) == (lead.id, trainee.id)
    assert event.comment == f"1 extra attempt at Final exam (peer-recovery): {reason}"

    assert "including 1 extra granted by your program lead" in text_of(client.get("/exam/"))
    take(client)
    assert outcome_of(trainee).passed


def test_an_extra_attempt_needs_a_reason_and_a_lead(app, people, internal):
    trainee = people["trainee"]
    url = f"/exam/people/{trainee.id}/extra-attempt"
    refused = post(client_of(app, people["lead"]), url, {"reason": "", "seen": "0"})
    assert refused.status_code == 400
    assert "Say why you are granting another attempt." in text_of(refused)
    long = "r" * (limits.REASON + 1)
    refused = post(client_of(app, people["lead"]), url, {"reason": long, "seen": "0"})
    assert refused.status_code == 400 and long in html_of(refused)
    for who in ("trainee", "supervisor", "other_trainee"):
        assert post(client_of(app, people[who]), url, {"reason": "Please"}).status_code == 403
    assert post(app.test_client(), url, {"reason": "Please"}).status_code == 302
    other_lead_target = f"/exam/people/{people['supervisor'].id}/extra-attempt"
    assert (
        post(client_of(app, people["lead"]), other_lead_target, {"reason": "x"}).status_code == 404
    )
    assert count(FinalExamExtraAttempt) == 0


def test_a_grant_from_a_page_that_is_out_of_date_adds_nothing(app, people, internal):
    trainee, lead_client = people["trainee"], client_of(app, people["lead"])
    url, page = f"/exam/people/{trainee.id}/extra-attempt", f"/exam/people/{trainee.id}"
    first = post(lead_client, url, {"reason": "Reviewed ethics.", "seen": "0"})
    assert "Riley Chen has one more attempt" in text_of(lead_client.get(first.location))
    assert 'name="seen" type="hidden" value="1"' in html_of(lead_client.get(page))

    # the same form again (a second click, or another lead's page from before the grant)
    again = post(lead_client, url, {"reason": "Reviewed ethics.", "seen": "0"})
    shown = text_of(lead_client.get(again.location))
    assert "Another extra attempt was just granted; nothing more was added." in shown
    assert "Attempts used: 0 of 3 (2 from the exam and 1 extra)." in shown
    assert count(FinalExamExtraAttempt) == 1 and len(events("extra exam attempt granted")) == 1

    # a lead who saw the first grant and still wants another gets it
    post(lead_client, url, {"reason": "And advocacy.", "seen": "1"})
    assert count(FinalExamExtraAttempt) == 2 and len(events("extra exam attempt granted")) == 2


@pytest.mark.parametrize("seen", ["", "many", "-1", "99999999999"])
def test_a_grant_without_the_count_the_lead_saw_is_refused(app, people, internal, seen):
    url = f"/exam/people/{people['trainee'].id}/extra-attempt"
    refused = post(client_of(app, people["lead"]), url, {"reason": "Reviewed.", "seen": seen})
    assert refused.status_code == 400 and count(FinalExamExtraAttempt) == 0


def test_the_wait_between_attempts_is_kept(app, people):
    use_track(app, exam=final_exam(wait_hours=24))
    client = client_of(app, people["trainee"])
    take(client, wrong={1, 2})
    page = text_of(client.get("/exam/"))
    assert "Please wait before your next attempt: you can start it at" in page
    assert "(the exam asks for 24 hours between attempts)" in page
    post(client, "/exam/start")
    assert count(FinalExamAttempt) == 1
    with in_app():  # a day later
        db.session.execute(
            update(FinalExamAttempt).values(submitted_at=utcnow() - timedelta(hours=25))
        )
        db.session.commit()
    assert start(client)
    assert count(FinalExamAttempt) == 2


def test_a_submission_after_the_limit_was_reached_elsewhere_does_not_count(app, people):
    """Another tab finished an attempt after this one was opened (the limit is 1): the
    submission itself checks the limit, so the trainee never gets more than allowed."""
    use_track(app, exam=final_exam(max_attempts=1))
    trainee = people["trainee"]
    client = client_of(app, trainee)
    url = start(client)
    with in_app():
        attempt = db.session.get(FinalExamAttempt, attempt_at(url).id)
        db.session.add(
            FinalExamAttempt(
                trainee_id=trainee.id,
                track_id="peer-recovery",
                content_versions={},
                seed=1,
                question_refs=[],
                domains=[],
                status=AttemptStatus.FINISHED,
                submitted_at=utcnow(),
                correct_count=0,
                score_percent=0.0,
            )
        )
        db.session.commit()
        assert attempt.status == AttemptStatus.IN_PROGRESS
    response = post(client, url, answers(url), follow_redirects=True)
    assert "This attempt could not count" in text_of(response)
    assert attempt_at(url).status == AttemptStatus.ABANDONED
    assert not outcome_of(trainee).passed


def test_an_edit_that_removes_a_question_closes_the_open_attempt(app, people, internal):
    client = client_of(app, people["trainee"])
    url = start(client)
    with in_app():
        attempt = db.session.get(FinalExamAttempt, attempt_at(url).id)
        attempt.question_refs = [["advocacy", "no-longer-there"], *attempt.question_refs[1:]]
        db.session.commit()
    response = client.get(url, follow_redirects=True)
    assert "The final exam was updated after you started it" in text_of(response)
    assert attempt_at(url).status == AttemptStatus.ABANDONED
    assert "Closed without counting" in text_of(client.get("/exam/"))
    assert start(client) != url  # a new attempt may start: the closed one did not count


def test_a_blueprint_the_courses_cannot_serve_is_refused_in_words(app, people):
    use_track(app, exam=final_exam(blueprint={"advocacy": 500}))
    client = client_of(app, people["trainee"])
    assert "The final exam is not ready to be taken yet." in text_of(client.get("/exam/"))
    post(client, "/exam/start")
    assert count(FinalExamAttempt) == 0
    lead_page = text_of(client_of(app, people["lead"]).get(f"/exam/people/{people['trainee'].id}"))
    assert "The final exam asks for 500 questions in Advocacy, but the track's courses" in lead_page


# --- who may see what --------------------------------------------------------------------------


def test_nobody_else_sees_or_answers_a_trainees_attempt(app, people, internal):
    trainee = people["trainee"]
    url = start(client_of(app, trainee))
    for who in ("other_trainee",):
        other = client_of(app, people[who])
        assert other.get(url).status_code == 404
        assert post(other, url, answers(url)).status_code == 404
        assert other.get(url + "/result").status_code == 404
    for who in ("supervisor", "lead"):
        assert client_of(app, people[who]).get(url).status_code == 403
        assert post(client_of(app, people[who]), "/exam/start").status_code == 403
    assert app.test_client().get(url).status_code == 302
    assert attempt_at(url).status == AttemptStatus.IN_PROGRESS


def test_the_supervisor_sees_their_trainees_attempts_only(app, people, internal):
    trainee = people["trainee"]
    take(client_of(app, trainee), wrong={1, 2})
    page = f"/exam/people/{trainee.id}"
    supervisor = client_of(app, people["supervisor"])
    seen = text_of(supervisor.get(page))
    assert "Riley Chen has not passed yet." in seen and "60% (3 of 5)" in seen
    assert "Grant one more attempt" not in seen
    listed = text_of(supervisor.get("/exam/"))
    assert "Riley Chen" in listed and "Jordan Diaz" not in listed
    assert "Final exam: not passed yet (best score 60 %" in listed
    assert '<a href="/exam/">Exams</a>' in html_of(supervisor.get("/learn/"))
    assert client_of(app, people["other_supervisor"]).get(page).status_code == 404


def test_a_trainee_without_a_final_exam_cannot_start_one(app, people):
    client = client_of(app, people["trainee"])
    assert post(client, "/exam/start").status_code == 404
    assert 'href="/exam/"' not in html_of(client.get("/learn/"))


# --- the lead's list and CSV -------------------------------------------------------------------


def test_the_lead_lists_every_submitted_attempt_and_downloads_them(app, people, internal):
    take(client_of(app, people["trainee"]))
    take(client_of(app, people["other_trainee"]), wrong={1, 2, 3})
    start(client_of(app, people["other_trainee"]))  # open: not in the list yet
    lead = client_of(app, people["lead"])
    page = text_of(lead.get("/exam/attempts"))
    assert "Riley Chen" in page and "Jordan Diaz" in page
    assert "100% (5 of 5) Passed" in page and "40% (2 of 5) Not passed" in page
    response = lead.get("/exam/attempts.csv")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == (
        '"Trainee","Email","Track","Submitted at","Questions","Right","Score (%)",'
        '"Pass mark (%)","Result"'
    )
    assert len(lines) == 3
    riley = next(line for line in lines if "Riley Chen" in line)
    assert riley.endswith('"5","5","100","80","passed"')
    for who in ("trainee", "supervisor"):
        assert client_of(app, people[who]).get("/exam/attempts.csv").status_code == 403


def test_exam_outcomes_cover_every_id_in_few_queries(app, people, internal):
    from sqlalchemy import event

    take(client_of(app, people["trainee"]))
    ids = [people["trainee"].id, people["other_trainee"].id, 9999]
    with in_app():
        track = track_for(db.session.get(User, people["trainee"].id))
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            outcomes = exam_outcomes(ids, track)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    assert set(outcomes) == set(ids) and len(statements) == 1
    assert outcomes[people["trainee"].id].passed and outcomes[9999] is None
    assert outcomes[people["other_trainee"].id] is None


def test_without_an_exam_every_outcome_is_none(app, people):
    with in_app():
        track = track_for(db.session.get(User, people["trainee"].id))
        assert track.exam is None
        assert exam_outcomes([people["trainee"].id, 5], track) == {
            people["trainee"].id: None,
            5: None,
        }
    assert fetch(User, people["trainee"].id) is not None and find(FinalExamAttempt) is None
