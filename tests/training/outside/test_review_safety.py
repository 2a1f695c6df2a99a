"""What keeps a lead's review honest: a decision applies only to the version of a record the
lead looked at; copies of a record are pointed out before they are approved twice; a double
click sends a record once; a supervisor's filter names only their own trainees."""

from datetime import UTC, datetime, timedelta

from tests.helpers import count, fetch, html_of, make_user, post, text_of
from tests.training.outside.support import (
    PDF,
    YESTERDAY,
    as_,
    decision,
    events_of,
    image_bytes,
    make_record,
    record_form,
    seen_on_page,
    upload,
)
from training.models import Role
from training.outside.models import OutsideRecord
from training.uploads.models import StoredFile

# --- a decision applies to what the lead saw ---------------------------------------------------


def _returned_and_resubmitted(client, team, record):  # type: ignore[no-untyped-def]
    """Lead A returns the record; the trainee sends it again: 40 h, with another file."""
    other_lead = make_user(Role.LEAD, name="Ada Other")
    returned = post(
        as_(client, other_lead),
        f"/outside/{record.id}/return",
        {"seen": seen_on_page(client, record.id), "comment": "Check the hours."},
    )
    assert returned.status_code == 302
    form = record_form(
        hours_ethical_responsibility="40", certificate=upload(image_bytes("PNG"), "other.png")
    )
    resent = post(as_(client, team["trainee"]), f"/outside/{record.id}/edit", form)
    assert resent.status_code == 302
    return fetch(OutsideRecord, record.id)


def test_a_stale_approve_changes_nothing_once_the_trainee_resubmitted(client, team):
    record = make_record(team["trainee"])  # 2.5 h, its first certificate
    as_(client, team["lead"])
    opened = seen_on_page(client, record.id)  # lead B opens it
    now = _returned_and_resubmitted(client, team, record)
    assert now.hours == {"ethical_responsibility": 40.0}
    response = post(
        as_(client, team["lead"]),
        f"/outside/{record.id}/approve",
        {"seen": opened},
        follow_redirects=True,
    )
    when = now.submitted_at.astimezone(UTC)
    assert (
        "This record changed since you opened it: the trainee resubmitted it at "
        f"{when:%H:%M} UTC on {when.day} {when:%B %Y}. Review it again."
    ) in text_of(response)
    assert "40 in all" in text_of(response)  # the page shown again is the new version
    after = fetch(OutsideRecord, record.id)
    assert (after.status, after.hours) == ("submitted", {"ethical_responsibility": 40.0})
    assert [e[1] for e in events_of("outside_record", record.id)] == ["returned", "resubmitted"]
    # looked at again, it can be approved
    again = post(
        client,
        f"/outside/{record.id}/approve",
        {"seen": seen_on_page(client, record.id)},
        follow_redirects=True,
    )
    assert "Approved: Ethics in Peer Work" in text_of(again)
    assert fetch(OutsideRecord, record.id).status == "approved"


def test_a_stale_return_changes_nothing_and_keeps_the_comment(client, team):
    record = make_record(team["trainee"])
    as_(client, team["lead"])
    opened = seen_on_page(client, record.id)
    _returned_and_resubmitted(client, team, record)
    response = post(
        as_(client, team["lead"]),
        f"/outside/{record.id}/return",
        {"seen": opened, "comment": "The date is wrong."},
    )
    assert response.status_code == 409
    assert "This record changed since you opened it" in text_of(response)
    assert "The date is wrong.</textarea>" in html_of(response)  # what the lead typed
    assert fetch(OutsideRecord, record.id).status == "submitted"
    assert [e[1] for e in events_of("outside_record", record.id)] == ["returned", "resubmitted"]


def test_a_decision_that_does_not_say_what_the_lead_saw_is_refused(client, team):
    record = make_record(team["trainee"])
    as_(client, team["lead"])
    for seen in (None, "", "yesterday", "2026-03-01T10:00:00"):  # the last: no time zone
        data = {} if seen is None else {"seen": seen}
        assert post(client, f"/outside/{record.id}/approve", data).status_code == 400
    assert fetch(OutsideRecord, record.id).status == "submitted"
    assert events_of("outside_record", record.id) == []


def test_an_approve_on_a_record_withdrawn_meanwhile_says_so(client, team):
    record = make_record(team["trainee"])
    form = decision(record)
    post(as_(client, team["trainee"]), f"/outside/{record.id}/withdraw")
    response = post(
        as_(client, team["lead"]), f"/outside/{record.id}/approve", form, follow_redirects=True
    )
    assert "the trainee withdrew this record a moment ago" in text_of(response)
    assert response.request.path == "/outside/queue"


# --- copies ------------------------------------------------------------------------------------


def test_the_lead_is_warned_of_a_copy_of_an_approved_record_by_its_course(client, team):
    trainee = team["trainee"]
    first = make_record(
        trainee,
        "approved",
        decided_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        decided_by_id=team["lead"].id,
    )
    # the same course and day, typed differently, with another file
    copy = make_record(trainee, provider="recovery academy", title="ETHICS in peer work ")
    make_record(trainee, title="Boundaries")  # another course: no warning
    make_record(team["other trainee"])  # another trainee's record: not a copy
    as_(client, team["lead"])
    queue = client.get("/outside/queue")
    text = text_of(queue)
    assert text.count("This looks like a copy of") == 1
    assert "This looks like a copy of the record approved on 2 March 2026" in text
    assert "the same course from the same provider on the same day" in text
    assert f'href="/outside/{first.id}"' in html_of(queue)
    page = client.get(f"/outside/{copy.id}")
    assert "This looks like a copy of the record approved on 2 March 2026" in text_of(page)
    assert f'href="/outside/{first.id}"' in html_of(page)
    # the trainee and the supervisor are not shown the lead's warning
    for who in ("trainee", "supervisor"):
        assert "looks like a copy" not in text_of(as_(client, team[who]).get(f"/outside/{copy.id}"))


def test_the_lead_is_warned_of_the_same_certificate_file_sent_twice(client, team):
    trainee, same = team["trainee"], PDF + b"% one certificate\n"
    make_record(trainee, title="Ethics, part 1", certificate=same)
    make_record(
        trainee, title="Ethics, part 2", day=YESTERDAY - timedelta(days=3), certificate=same
    )
    make_record(team["other trainee"], title="Theirs", certificate=same)  # not the trainee's
    as_(client, team["lead"])
    text = text_of(client.get("/outside/queue"))
    assert text.count("This looks like a copy of a record also waiting for a decision") == 2
    assert text.count("the same certificate file") == 2


# --- a double click sends once -----------------------------------------------------------------


def test_sending_the_same_record_twice_within_a_minute_keeps_one(client, team):
    as_(client, team["trainee"])
    first = post(client, "/outside/new/outside", record_form())
    assert first.status_code == 302
    second = post(client, "/outside/new/outside", record_form(), follow_redirects=True)
    assert (
        "You sent this record a moment ago: it is waiting for your program lead. It was not "
        "sent twice."
    ) in text_of(second)
    assert count(OutsideRecord) == 1 and count(StoredFile) == 1
    record = fetch(OutsideRecord, 1) or fetch(OutsideRecord, 2)
    assert [e[1] for e in events_of("outside_record", record.id)] == ["submitted"]
    # another course (or the same one as continuing education) is sent as usual
    other = post(client, "/outside/new/outside", record_form(title="Boundaries"))
    assert other.status_code == 302 and count(OutsideRecord) == 2
    as_ce = post(client, "/outside/new/ce", record_form())
    assert as_ce.status_code == 302 and count(OutsideRecord) == 3


def test_the_same_record_sent_again_after_a_minute_is_kept_for_the_lead_to_judge(client, team):
    make_record(team["trainee"], submitted_at=datetime.now(UTC) - timedelta(minutes=2))
    response = post(as_(client, team["trainee"]), "/outside/new/outside", record_form())
    assert response.status_code == 302 and count(OutsideRecord) == 2


# --- whose records a supervisor may filter by --------------------------------------------------


def test_a_supervisor_filters_only_by_their_own_trainees(client, team):
    make_record(team["trainee"], title="My trainee's course")
    as_(client, team["supervisor"])
    mine = client.get(f"/outside/records?trainee={team['trainee'].id}")
    assert mine.status_code == 200
    assert "Outside training of Tia Trainee" in text_of(mine)
    for who in ("lead", "other trainee", "other supervisor"):
        response = client.get(f"/outside/records?trainee={team[who].id}")
        assert response.status_code == 404, who
        assert team[who].name not in text_of(response)
    assert client.get("/outside/records?trainee=999999").status_code == 404


def test_a_lead_filters_by_anyone(client, team):
    as_(client, team["lead"])
    response = client.get(f"/outside/records?trainee={team['other trainee'].id}")
    assert response.status_code == 200 and "Outside training of Otto Other" in text_of(response)
