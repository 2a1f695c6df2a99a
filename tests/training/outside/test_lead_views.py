"""Outside training and continuing education as leads and supervisors use them: the queue,
approving and returning, the list and its CSV, the supervisor's read-only view; and everyone
else kept out."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import (
    count,
    fetch,
    html_of,
    post,
    text_of,
)
from tests.training.outside.support import (
    PDF,
    YESTERDAY,
    as_,
    decision,
    events_of,
    make_record,
    record_form,
)
from training.outside.models import OutsideRecord

# --- the lead ----------------------------------------------------------------------------------


def test_the_lead_queue_shows_submitted_records_oldest_first_a_page_at_a_time(client, team):
    trainee, lead = team["trainee"], team["lead"]
    start = datetime.now(UTC) - timedelta(days=30)
    for n in range(27):
        make_record(trainee, title=f"Course {n:02d}", submitted_at=start + timedelta(hours=n))
    make_record(trainee, "approved", title="Already approved")
    as_(client, lead)
    assert client.get("/outside/").headers["Location"].endswith("/outside/queue")
    first = text_of(client.get("/outside/queue"))
    assert "Course 00" in first and "Course 24" in first and "Course 25" not in first
    assert first.index("Course 00") < first.index("Course 01")
    assert "Page 1 of 2" in first and "Already approved" not in first
    second = text_of(client.get("/outside/queue?page=2"))
    assert "Course 25" in second and "Course 26" in second and "Course 00" not in second


def test_the_lead_approves_a_record_which_is_then_locked(client, team):
    trainee, lead = team["trainee"], team["lead"]
    record = make_record(trainee)
    as_(client, lead)
    page = text_of(client.get(f"/outside/{record.id}"))
    assert "Your decision" in page and "Download certificate.pdf" in page
    response = post(
        client, f"/outside/{record.id}/approve", decision(record), follow_redirects=True
    )
    assert "Approved: Ethics in Peer Work for Tia Trainee." in text_of(response)
    now = fetch(OutsideRecord, record.id)
    assert (now.status, now.decided_by_id) == ("approved", lead.id) and now.decided_at
    assert events_of("outside_record", record.id) == [(lead.id, "approved", None)]
    again = post(client, f"/outside/{record.id}/approve", decision(record), follow_redirects=True)
    assert (
        "Nothing was changed: this record was already approved a moment ago by Lee Lead."
        in text_of(again)
    )
    assert len(events_of("outside_record", record.id)) == 1
    text = text_of(as_(client, trainee).get("/outside/"))
    assert "Approved (1)" in text


def test_returning_needs_a_comment_which_the_trainee_then_sees(client, team):
    trainee, lead = team["trainee"], team["lead"]
    record = make_record(trainee)
    as_(client, lead)
    refused = post(client, f"/outside/{record.id}/return", decision(record, comment="  "))
    assert refused.status_code == 400
    assert 'id="comment-error">Write a comment so the trainee knows what to correct.' in html_of(
        refused
    )
    assert fetch(OutsideRecord, record.id).status == "submitted"
    too_long = post(client, f"/outside/{record.id}/return", decision(record, comment="x" * 2001))
    assert too_long.status_code == 400 and "at most 2,000 characters" in text_of(too_long)
    response = post(
        client,
        f"/outside/{record.id}/return",
        decision(record, comment="Please add the hours per domain."),
        follow_redirects=True,
    )
    assert "Returned to Tia Trainee with your comment." in text_of(response)
    now = fetch(OutsideRecord, record.id)
    assert (now.status, now.lead_comment) == ("returned", "Please add the hours per domain.")
    assert events_of("outside_record", record.id) == [
        (lead.id, "returned", "Please add the hours per domain.")
    ]
    text = text_of(as_(client, trainee).get("/outside/"))
    assert "Your program lead's comment: Please add the hours per domain." in text


def test_the_lead_exports_every_record_as_csv(client, team):
    trainee, lead = team["trainee"], team["lead"]
    make_record(
        trainee,
        "approved",
        hours={"advocacy": 1.5, "ethical_responsibility": 2},
        decided_by_id=lead.id,
        decided_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )
    make_record(
        team["other trainee"], kind="ce", provider='=HYPERLINK("http://x")', title="CE course"
    )
    as_(client, lead)
    response = client.get("/outside/records.csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Trainee",
        "Email",
        "Kind",
        "Provider",
        "Course title",
        "Date completed",
        "Advocacy (hours)",
        "Mentoring/Education (hours)",
        "Recovery/Wellness Support (hours)",
        "Ethical Responsibility (hours)",
        "Total hours",
        "Status",
        "Decided by",
        "Decided at (UTC)",
        "Lead's comment",
    ]
    approved = next(r for r in rows if r[0] == "Tia Trainee")
    assert approved[2:] == [
        "Outside training",
        "Recovery Academy",
        "Ethics in Peer Work",
        YESTERDAY.isoformat(),
        "1.5",
        "0",
        "0",
        "2",
        "3.5",
        "Approved",
        "Lee Lead",
        "2026-03-02 09:30",
        "",
    ]
    waiting = next(r for r in rows if r[0] == "Otto Other")
    assert waiting[2:4] == ["Continuing education", '\'=HYPERLINK("http://x")']
    assert waiting[11] == "Waiting for a decision"
    only_ce = client.get("/outside/records.csv?kind=ce").get_data(as_text=True)
    assert "CE course" in only_ce and "Ethics in Peer Work" not in only_ce


def test_the_lead_filters_every_record(client, team):
    make_record(team["trainee"], "approved", title="Approved one")
    make_record(team["other trainee"], "returned", title="Returned one", kind="ce")
    as_(client, team["lead"])
    everything = text_of(client.get("/outside/records"))
    assert "Approved one" in everything and "Returned one" in everything
    returned = text_of(client.get("/outside/records?status=returned"))
    assert "Returned one" in returned and "Approved one" not in returned
    one = text_of(client.get(f"/outside/records?trainee={team['trainee'].id}"))
    assert "Outside training of Tia Trainee" in one and "Returned one" not in one


# --- the supervisor ----------------------------------------------------------------------------


def test_a_supervisor_reads_their_trainees_records_and_decides_nothing(client, team):
    mine = make_record(team["trainee"], title="My trainee's course")
    other = make_record(team["other trainee"], title="Someone else's course")
    as_(client, team["supervisor"])
    assert client.get("/outside/").headers["Location"].endswith("/outside/records")
    listing = text_of(client.get("/outside/records"))
    assert "My trainee's course" in listing and "Someone else's course" not in listing
    page = text_of(client.get(f"/outside/{mine.id}"))
    assert "Tia Trainee" in page and "Your decision" not in page and "Withdraw" not in page
    assert client.get(f"/outside/{other.id}").status_code == 404
    assert post(client, f"/outside/{mine.id}/approve").status_code == 403
    assert fetch(OutsideRecord, mine.id).status == "submitted"


# --- denials -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, team):
    record = make_record(team["trainee"])
    for url in (
        "/outside/",
        "/outside/new/outside",
        "/outside/queue",
        "/outside/records",
        f"/outside/{record.id}",
        "/outside/records.csv",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert "/login" in post(client, f"/outside/{record.id}/approve").headers["Location"]


@pytest.mark.parametrize(
    ("who", "method", "url", "expected"),
    [
        ("trainee", "get", "/outside/queue", 403),
        ("trainee", "get", "/outside/records", 403),
        ("trainee", "get", "/outside/records.csv", 403),
        ("trainee", "post", "/outside/{id}/approve", 403),
        ("trainee", "post", "/outside/{id}/return", 403),
        ("supervisor", "get", "/outside/new/outside", 403),
        ("supervisor", "get", "/outside/queue", 403),
        ("supervisor", "get", "/outside/records.csv", 403),
        ("supervisor", "post", "/outside/{id}/withdraw", 403),
        ("lead", "get", "/outside/new/ce", 403),
        ("lead", "post", "/outside/{id}/withdraw", 403),
        ("other trainee", "get", "/outside/{id}", 404),
        ("other trainee", "get", "/outside/{id}/edit", 404),
        ("other trainee", "post", "/outside/{id}/edit", 404),
        ("other trainee", "post", "/outside/{id}/withdraw", 404),
        ("other supervisor", "get", "/outside/{id}", 404),
        ("lead", "get", "/outside/999999", 404),
        ("trainee", "get", "/outside/new/other", 404),
    ],
)
def test_everyone_else_is_kept_out(client, team, who, method, url, expected):
    record = make_record(team["trainee"], "returned", lead_comment="Fix it.")
    as_(client, team[who])
    url = url.format(id=record.id)
    response = (
        client.get(url) if method == "get" else post(client, url, record_form(certificate=None))
    )
    assert response.status_code == expected
    now = fetch(OutsideRecord, record.id)
    assert (now.status, now.title) == ("returned", "Ethics in Peer Work")


def test_the_nav_link_shows_for_trainees_and_leads(client, team):
    for who, shown in (("trainee", True), ("lead", True), ("supervisor", False)):
        page = html_of(as_(client, team[who]).get("/courses/", follow_redirects=True))
        assert ('href="/outside/"' in page) is shown, who


def test_forms_without_a_valid_token_are_refused(client, team):
    record = make_record(team["trainee"])
    as_(client, team["lead"])
    assert client.post(f"/outside/{record.id}/approve").status_code == 400
    as_(client, team["trainee"])
    response = client.post("/outside/new/outside", data={**record_form(), "csrf_token": "x"})
    assert response.status_code == 400 and count(OutsideRecord) == 1
    assert PDF  # the support module's certificate is what make_record stores
