""" "My trainees" (each assigned trainee's progress) and "My sign-off history" (what I approved,
returned or undid, newest first, a page at a time): what a supervisor sees, and every denial."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import (
    assign,
    html_of,
    in_app,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.extensions import db
from training.models import AuditEvent, Role


@pytest.fixture
def team(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    alex = make_user(Role.TRAINEE, name="Alex Trainee")
    blair = make_user(Role.TRAINEE, name="Blair Trainee")
    assign(alex, supervisor)
    assign(blair, supervisor)
    return supervisor, alex, blair


def approve(client, *entries):  # type: ignore[no-untyped-def]
    data = {"entry": [str(e.id) for e in entries], "attest": "yes", "page": "1"}
    return post(client, "/supervise/approve", data, follow_redirects=True)


@pytest.mark.parametrize("url", ["/supervise/trainees", "/supervise/history"])
def test_only_supervisors_see_these_pages(client, team, url):
    assert "/login" in client.get(url).headers["Location"]
    for role in (Role.TRAINEE, Role.LEAD):
        sign_in(client, make_user(role))
        assert client.get(url).status_code == 403


def test_my_trainees_shows_each_ones_progress_and_what_waits(client, team):
    supervisor, alex, blair = team
    make_entry(alex, supervisor, "approved", minutes=120, kind="supervised_practice")
    make_entry(alex, supervisor, "approved", minutes=90)
    make_entry(alex, supervisor, "submitted")
    make_entry(alex, supervisor, "returned")
    stranger = make_user(Role.TRAINEE, name="Casey Elsewhere")
    assign(stranger, make_user(Role.SUPERVISOR))
    sign_in(client, supervisor)
    response = client.get("/supervise/trainees")
    page = text_of(response)
    assert "2 trainees assigned to you, by name." in page
    assert page.index("Alex Trainee") < page.index("Blair Trainee")
    assert "Casey" not in page
    alex_card = page[page.index("Alex Trainee") : page.index("Blair Trainee")]
    assert "Supervised practice: 2 of 500 h approved" in alex_card
    assert "Supervision: 1.5 of 25 h approved" in alex_card
    assert "1 entry waiting for your sign-off" in alex_card
    assert "1 returned entry for Alex Trainee to correct" in alex_card
    assert "Courses done: 0 of" in alex_card and "Requirements met: 0 of" in alex_card
    blair_card = page[page.index("Blair Trainee") :]
    assert "Nothing waiting for your sign-off" in blair_card
    html = html_of(response)
    assert f'href="/supervise/#trainee-{alex.id}"' in html
    assert 'href="/supervise/history"' in html and 'href="/supervise/"' in html
    del blair


def test_my_trainees_runs_a_fixed_number_of_queries(app, client, team):
    from tests.training.lead.test_cohorts import counting_queries

    supervisor, alex, _ = team
    sign_in(client, supervisor)
    client.get("/supervise/trainees")  # warm up
    with counting_queries(app) as few:
        client.get("/supervise/trainees")
    for n in range(6):
        trainee = make_user(Role.TRAINEE, name=f"Trainee {n}")
        assign(trainee, supervisor)
        make_entry(trainee, supervisor, "approved")
        make_entry(trainee, supervisor, "submitted")
    with counting_queries(app) as many:
        assert "8 trainees assigned to you" in text_of(client.get("/supervise/trainees"))
    assert len(many) == len(few), many
    del alex


def test_no_trainees_yet_says_who_assigns_them(client, app):
    sign_in(client, make_user(Role.SUPERVISOR))
    page = text_of(client.get("/supervise/trainees"))
    assert "No trainees are assigned to you yet." in page
    assert "Your program lead assigns trainees to supervisors." in page


def test_the_history_lists_my_decisions_newest_first_and_no_one_elses(client, team):
    supervisor, alex, blair = team
    first = make_entry(alex, supervisor, "submitted", notes="first")
    second = make_entry(blair, supervisor, "submitted", notes="second")
    colleague = make_user(Role.SUPERVISOR, name="Other Supervisor")
    assign(alex, colleague)
    theirs = make_entry(alex, colleague, "submitted")
    sign_in(client, supervisor)
    approve(client, first)
    post(
        client,
        f"/supervise/{second.id}/return",
        {"page": "1", f"entry-{second.id}-comment": "Say which domains."},
    )
    other = client.application.test_client()
    sign_in(other, colleague)
    approve(other, theirs)
    response = client.get("/supervise/history")
    page = text_of(response)
    assert "2 decisions on your trainees' hours, newest first." in page
    assert page.index("Blair Trainee") < page.index("Alex Trainee")  # the return came last
    assert "Returned: “Say which domains.”" in page
    assert "With the trainee to correct" in page
    assert page.count("Approved") >= 2  # what I did, and where it is now
    assert "Undo this approval" in page  # just approved: it can still be undone
    assert f'href="/hours/{first.id}"' in html_of(response)
    assert f"/hours/{theirs.id}" not in html_of(response)


def test_the_history_comes_a_page_at_a_time(client, team):
    supervisor, alex, _ = team
    entries = [make_entry(alex, supervisor, "submitted") for _ in range(27)]
    start = datetime.now(UTC) - timedelta(days=3)
    with in_app():
        for n, entry in enumerate(entries):
            db.session.add(
                AuditEvent(
                    actor_id=supervisor.id,
                    subject_type="hours_entry",
                    subject_id=entry.id,
                    action="returned",
                    from_status="submitted",
                    to_status="returned",
                    comment=f"Comment {n:02d}",
                    at=start + timedelta(minutes=n),
                )
            )
        db.session.commit()
    sign_in(client, supervisor)
    first = text_of(client.get("/supervise/history"))
    assert "27 decisions" in first and "Page 1 of 2" in first
    assert "Comment 26" in first and "Comment 02" in first and "Comment 01" not in first
    second = text_of(client.get("/supervise/history?page=2"))
    assert "Comment 01" in second and "Comment 00" in second and "Comment 02" not in second


def test_an_empty_history_says_where_decisions_come_from(client, team):
    supervisor, _, _ = team
    sign_in(client, supervisor)
    response = client.get("/supervise/history")
    assert "You have not approved or returned any hours yet." in text_of(response)
    assert 'href="/supervise/"' in html_of(response)
