"""An exam taken outside the platform: a lead records each result (date, passed or not, score,
note), corrects one by recording another (the latest counts) or withdraws it with a reason;
the trainee and their supervisor see the results; everyone else is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import (
    count,
    find,
    html_of,
    in_app,
    post,
    text_of,
    use_track,
)
from tests.training.exams.conftest import NCPRSS, client_of, final_exam
from training import limits
from training.exams import services
from training.exams.models import ExamResult
from training.exams.services import exam_outcomes
from training.extensions import db
from training.hours.services import track_for
from training.models import AuditEvent, User
from training.uploads.models import StoredFile

RESULT = {"day": "2026-03-03", "result": "passed", "score": "612 scaled", "note": "Board letter"}


def record(client, trainee, **changes):  # type: ignore[no-untyped-def]
    return post(client, f"/exam/people/{trainee.id}/results", {**RESULT, **changes})


def outcome_of(trainee):  # type: ignore[no-untyped-def]
    with in_app():
        user = db.session.get(User, trainee.id)
        return exam_outcomes([trainee.id], track_for(user))[trainee.id]


def events(action: str) -> list[AuditEvent]:
    with in_app():
        found = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.session.expunge_all()
        return list(found)


def test_a_lead_records_a_result_that_everyone_concerned_sees(app, people, external):
    lead, trainee = people["lead"], people["trainee"]
    lead_client = client_of(app, lead)
    page = text_of(lead_client.get(f"/exam/people/{trainee.id}"))
    assert "Exam: Riley Chen" in page and "No result has been recorded yet." in page

    response = record(lead_client, trainee)
    assert response.headers["Location"] == f"/exam/people/{trainee.id}"
    page = text_of(lead_client.get(response.headers["Location"]))
    assert (
        "Recorded for Riley Chen: NCPRSS examination: passed on 3 March 2026 (612 scaled)." in page
    )
    assert "This is the result that counts" in page and "by Morgan Lead" in page

    mine = text_of(client_of(app, trainee).get("/exam/"))
    assert "You passed on 3 March 2026." in mine and "612 scaled" in mine
    supervised = client_of(app, people["supervisor"])
    assert "612 scaled" in text_of(supervised.get(f"/exam/people/{trainee.id}"))
    listed = text_of(supervised.get("/exam/"))
    assert "Riley Chen" in listed
    assert "NCPRSS examination: passed on 3 March 2026 (612 scaled)" in listed

    assert outcome_of(trainee).passed
    assert outcome_of(trainee).day == date(2026, 3, 3)
    assert outcome_of(trainee).detail == "NCPRSS examination: passed on 3 March 2026 (612 scaled)"
    (event,) = events("exam result recorded")
    assert (event.actor_id, event.subject_type, event.subject_id) == (lead.id, "user", trainee.id)
    assert event.to_status == "passed"
    assert event.comment.startswith("NCPRSS examination: passed on 3 March 2026 (612 scaled)")


def test_the_trainee_waits_for_a_result_until_one_is_recorded(app, people, external):
    page = text_of(client_of(app, people["trainee"]).get("/exam/"))
    assert "Waiting for your result: no result has been recorded yet." in page
    assert outcome_of(people["trainee"]) is None


def test_a_later_exam_replaces_an_earlier_one(app, people, external):
    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    record(lead_client, trainee, result="not_passed", score="", day="2026-01-10")
    assert outcome_of(trainee).passed is False
    assert outcome_of(trainee).detail == "NCPRSS examination: not passed on 10 January 2026"
    record(lead_client, trainee, day="2026-03-03")
    assert outcome_of(trainee).passed is True
    page = text_of(lead_client.get(f"/exam/people/{trainee.id}"))
    assert "Replaced by the later exam of 3 March 2026" in page
    assert "This is the result that counts" in page


WHEN = "The result that counts is the latest by the date the exam was taken"


def test_an_older_exam_recorded_late_does_not_replace_a_later_pass(app, people, external):
    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    record(lead_client, trainee, day="2026-11-25")
    # a first attempt, backfilled afterwards
    backfilled = record(lead_client, trainee, result="not_passed", score="", day="2026-03-01")
    flashed = text_of(lead_client.get(backfilled.location))
    assert "Recorded for Riley Chen: NCPRSS examination: not passed on 1 March 2026." in flashed
    assert "It does not count: the exam of 25 November 2026 is later." in flashed

    assert outcome_of(trainee).passed is True
    assert outcome_of(trainee).day == date(2026, 11, 25)
    page = text_of(lead_client.get(f"/exam/people/{trainee.id}"))
    assert WHEN in page and "Replaced by the later exam of 25 November 2026" in page
    mine = text_of(client_of(app, trainee).get("/exam/"))
    assert "You passed on 25 November 2026." in mine and WHEN in mine
    assert "not passed" not in mine.split("Recorded results")[0]
    supervised = text_of(client_of(app, people["supervisor"]).get("/exam/"))
    assert "NCPRSS examination: passed on 25 November 2026" in supervised
    with in_app():
        results = services.results_of(trainee.id)
        assert [r.day for r in results] == [date(2026, 11, 25), date(2026, 3, 1)]
        assert services.counting_result(reversed(results)).day == date(2026, 11, 25)


def test_two_results_for_the_same_exam_day_the_latest_recorded_counts(app, people, external):
    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    record(lead_client, trainee, day="2026-03-03", score="590 scaled")
    record(lead_client, trainee, result="not_passed", day="2026-03-03", score="590 scaled")
    assert outcome_of(trainee).passed is False
    page = text_of(lead_client.get(f"/exam/people/{trainee.id}"))
    assert "Replaced by a later record for the same exam date" in page


def test_withdrawing_the_latest_exam_lets_the_one_before_it_count(app, people, external):
    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    record(lead_client, trainee, day="2026-01-10")
    record(lead_client, trainee, result="not_passed", day="2026-03-03")
    latest = find(ExamResult, trainee_id=trainee.id, day=date(2026, 3, 3))
    post(lead_client, f"/exam/results/{latest.id}/withdraw", {"reason": "Wrong trainee."})
    assert outcome_of(trainee).passed is True
    assert outcome_of(trainee).day == date(2026, 1, 10)


def test_exam_outcomes_take_the_latest_exam_of_each_trainee(app, people, external):
    lead_client = client_of(app, people["lead"])
    riley, jordan = people["trainee"], people["other_trainee"]
    record(lead_client, riley, day="2026-11-25")
    record(lead_client, riley, result="not_passed", day="2026-03-01")
    record(lead_client, jordan, result="not_passed", day="2026-11-25")
    record(lead_client, jordan, day="2026-03-01")
    with in_app():
        track = track_for(db.session.get(User, riley.id))
        outcomes = exam_outcomes([riley.id, jordan.id], track)
    assert (outcomes[riley.id].passed, outcomes[riley.id].day) == (True, date(2026, 11, 25))
    assert (outcomes[jordan.id].passed, outcomes[jordan.id].day) == (False, date(2026, 11, 25))


def test_a_withdrawn_result_no_longer_counts_and_says_why(app, people, external):
    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    record(lead_client, trainee)
    result = find(ExamResult, trainee_id=trainee.id)
    reason = "Recorded for the wrong trainee."
    response = post(lead_client, f"/exam/results/{result.id}/withdraw", {"reason": reason})
    page = text_of(lead_client.get(response.headers["Location"]))
    assert "Withdrawn: NCPRSS examination: passed on 3 March 2026 (612 scaled)." in page
    assert f"by Morgan Lead: “{reason}”" in page
    assert outcome_of(trainee) is None
    assert find(ExamResult, trainee_id=trainee.id).withdrawal_reason == reason
    (event,) = events("exam result withdrawn")
    assert event.comment.endswith(f"(result {result.id}): {reason}")

    again = post(lead_client, f"/exam/results/{result.id}/withdraw", {"reason": "Twice"})
    assert "This result was already withdrawn." in text_of(lead_client.get(again.location))
    assert len(events("exam result withdrawn")) == 1


def test_a_withdrawal_needs_a_reason_and_keeps_what_was_typed(app, people, external):
    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    record(lead_client, trainee)
    result = find(ExamResult, trainee_id=trainee.id)
    refused = post(lead_client, f"/exam/results/{result.id}/withdraw", {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why this result is withdrawn." in text_of(refused)
    long = "x" * (limits.REASON + 1)
    refused = post(lead_client, f"/exam/results/{result.id}/withdraw", {"reason": long})
    assert refused.status_code == 400 and long in html_of(refused)
    assert find(ExamResult, trainee_id=trainee.id).withdrawn_at is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": ""}, "Enter the date the exam was taken."),
        ({"day": "not a date"}, "Not a valid date"),
        ({"day": "9999-01-01"}, "Enter a date between"),
        ({"result": ""}, "Choose whether the trainee passed."),
        ({"result": "maybe"}, "Choose whether the trainee passed."),
        ({"score": "9" * (limits.EXAM_SCORE + 1)}, "Please use at most 60 characters."),
        ({"score": "612\nscaled"}, "Please keep this on one line"),
        ({"note": "n" * (limits.REASON + 1)}, "Please use at most 2,000 characters."),
    ],
)
def test_a_result_with_a_problem_is_refused_beside_the_field(
    app, people, external, changes, message
):
    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    response = record(lead_client, trainee, **changes)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(ExamResult) == 0 and events("exam result recorded") == []


def test_a_refused_result_keeps_what_the_lead_typed(app, people, external):
    response = record(client_of(app, people["lead"]), people["trainee"], result="")
    page = html_of(response)
    assert 'value="612 scaled"' in page and "Board letter" in page and 'value="2026-03-03"' in page


def test_a_result_dated_in_the_future_is_refused(app, people, external):
    tomorrow = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    response = record(client_of(app, people["lead"]), people["trainee"], day=tomorrow)
    assert response.status_code == 400
    assert "it cannot be in the future" in text_of(response)


def test_a_track_with_a_final_exam_takes_no_outside_result(app, people):
    use_track(app, exam=final_exam())
    response = record(client_of(app, people["lead"]), people["trainee"])
    assert response.status_code == 404 and count(ExamResult) == 0


# --- who may do what ---------------------------------------------------------------------------


def test_others_are_refused(app, people, external):
    trainee = people["trainee"]
    record(client_of(app, people["lead"]), trainee)
    result = find(ExamResult, trainee_id=trainee.id)
    page = f"/exam/people/{trainee.id}"
    other_supervisor = client_of(app, people["other_supervisor"])
    assert other_supervisor.get(page).status_code == 404
    assert client_of(app, people["other_trainee"]).get(page).status_code == 403
    assert client_of(app, trainee).get(page).status_code == 403
    assert app.test_client().get(page).status_code == 302  # to sign in
    for user in ("trainee", "supervisor", "other_trainee"):
        client = client_of(app, people[user])
        assert record(client, trainee).status_code == 403
        withdrawn = post(client, f"/exam/results/{result.id}/withdraw", {"reason": "No"})
        assert withdrawn.status_code == 403
    lead_client = client_of(app, people["lead"])
    assert lead_client.get(f"/exam/people/{people['supervisor'].id}").status_code == 404
    assert record(lead_client, people["lead"]).status_code == 404
    assert post(lead_client, "/exam/results/999/withdraw", {"reason": "x"}).status_code == 404
    assert count(ExamResult) == 1 and find(ExamResult, trainee_id=trainee.id).withdrawn_at is None
    # the other trainee sees no one else's result on their own page
    assert "612 scaled" not in text_of(client_of(app, people["other_trainee"]).get("/exam/"))


def test_a_form_without_its_csrf_token_is_refused(app, people, external):
    client = client_of(app, people["lead"])
    response = client.post(f"/exam/people/{people['trainee'].id}/results", data=RESULT)
    assert response.status_code == 400 and count(ExamResult) == 0


# --- the lead's list and CSV -------------------------------------------------------------------


def test_the_lead_lists_every_result_and_downloads_them(app, people, external):
    lead_client = client_of(app, people["lead"])
    record(lead_client, people["trainee"])
    record(lead_client, people["other_trainee"], result="not_passed", note="=HYPERLINK(1)")
    page = text_of(lead_client.get("/exam/results"))
    assert "Riley Chen" in page and "Jordan Diaz" in page and "Not passed" in page
    assert lead_client.get("/exam/").location == "/exam/results"

    response = lead_client.get("/exam/results.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith('"Trainee","Email","Track","Exam","Date taken","Result"')
    assert len(lines) == 3
    jordan = next(line for line in lines if "Jordan Diaz" in line)
    assert '"2026-03-03","not passed"' in jordan and '"\'=HYPERLINK(1)"' in jordan
    for user in ("trainee", "supervisor"):
        assert client_of(app, people[user]).get("/exam/results.csv").status_code == 403
        assert client_of(app, people[user]).get("/exam/results").status_code == 403


def test_the_lead_finds_the_exam_from_the_persons_page(app, people, external):
    page = html_of(client_of(app, people["lead"]).get(f"/lead/people/{people['trainee'].id}"))
    assert f'href="/exam/people/{people["trainee"].id}"' in page
    assert "NCPRSS examination: Riley Chen's results" in page


def test_the_navigation_shows_the_exam_to_trainees_whose_track_has_one(app, people):
    trainee = client_of(app, people["trainee"])
    assert 'href="/exam/"' not in html_of(trainee.get("/learn/"))
    assert "asks for no exam" in text_of(trainee.get("/exam/"))
    use_track(app, exam=NCPRSS)
    assert '<a href="/exam/">Exam</a>' in html_of(trainee.get("/learn/"))


# --- evidence ----------------------------------------------------------------------------------


def test_the_evidence_file_is_kept_with_the_result_for_those_who_may_see_it(app, people, external):
    from tests.training.outside.support import PDF, upload

    lead_client, trainee = client_of(app, people["lead"]), people["trainee"]
    response = record(lead_client, trainee, evidence=upload(PDF, "board letter.pdf"))
    assert response.status_code == 302, text_of(response)
    result = find(ExamResult, trainee_id=trainee.id)
    stored = find(StoredFile, id=result.file_id)
    assert (stored.owner_id, stored.uploaded_by_id) == (trainee.id, people["lead"].id)
    link = f'href="/outside/files/{stored.id}"'
    assert link in html_of(client_of(app, trainee).get("/exam/"))
    assert link in html_of(client_of(app, people["supervisor"]).get(f"/exam/people/{trainee.id}"))
    download = client_of(app, trainee).get(f"/outside/files/{stored.id}")
    assert download.status_code == 200 and download.data == PDF
    other = client_of(app, people["other_trainee"])
    assert other.get(f"/outside/files/{stored.id}").status_code == 404
    lines = lead_client.get("/exam/results.csv").get_data(as_text=True)
    assert stored.filename in lines


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_saved(app, people, external):
    from tests.training.outside.support import upload, word_document

    response = record(
        client_of(app, people["lead"]), people["trainee"], evidence=upload(word_document(), "a.pdf")
    )
    assert response.status_code == 400
    assert "Please upload a PDF, PNG or JPEG." in text_of(response)
    assert count(ExamResult) == 0 and count(StoredFile) == 0
    assert events("exam result recorded") == []
