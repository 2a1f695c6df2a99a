"""Sign-off: the queue, approving with an attestation, returning with a comment, every denial
(crafted requests included), and two people acting on one entry at the same moment."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import (
    TEST_DATABASE_URL,
    assign,
    fetch,
    html_of,
    in_app,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.extensions import db
from training.models import AuditEvent, EntryStatus, HoursEntry, Role, SignOff, User

TODAY = datetime.now(UTC).date()


@pytest.fixture
def team(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 12345")
    alex = make_user(Role.TRAINEE, name="Alex Trainee")
    blair = make_user(Role.TRAINEE, name="Blair Trainee")
    assign(alex, supervisor)
    assign(blair, supervisor)
    return supervisor, alex, blair


def approve(client, *entries, attest=True):
    data = {"entry": [str(e.id) for e in entries]}
    if attest:
        data["attest"] = "yes"
    return post(client, "/supervise/approve", data, follow_redirects=True)


def sign_offs(entry_id):
    with in_app():
        rows = db.session.scalars(select(SignOff).where(SignOff.entry_id == entry_id)).all()
        db.session.expunge_all()
        return rows


def test_anonymous_and_other_roles_are_kept_out(client, team):
    assert "/login" in client.get("/supervise/").headers["Location"]
    for role in (Role.TRAINEE, Role.LEAD):
        sign_in(client, make_user(role))
        assert client.get("/supervise/").status_code == 403
        assert (
            post(client, "/supervise/approve", {"entry": "1", "attest": "yes"}).status_code == 403
        )
        assert post(client, "/supervise/1/return", {"comment": "x"}).status_code == 403


def test_the_queue_groups_own_trainees_submissions_oldest_activity_first_with_totals(client, team):
    supervisor, alex, blair = team
    make_entry(alex, supervisor, status="approved", minutes=120, kind="supervised_practice")
    make_entry(alex, supervisor, status="submitted", notes="Alex recent", day=TODAY)
    make_entry(alex, supervisor, "submitted", notes="Alex older", day=TODAY - timedelta(3))
    make_entry(blair, supervisor, "submitted", notes="Blair oldest", day=TODAY - timedelta(9))
    make_entry(alex, supervisor, status="draft", notes="A draft is not for the supervisor")
    outsider = make_user(Role.TRAINEE)
    other_supervisor = make_user(Role.SUPERVISOR)
    assign(outsider, other_supervisor)
    make_entry(outsider, other_supervisor, status="submitted", notes="Someone else's trainee")
    sign_in(client, supervisor)
    page = text_of(client.get("/supervise/"))
    # Blair's group first (the oldest activity), then Alex's, each oldest date first.
    headings = ("Blair Trainee · 1 waiting", "Blair oldest", "Alex Trainee · 2 waiting")
    order = [page.index(n) for n in (*headings, "Alex older")]
    assert order == sorted(order) and page.index("Alex older") < page.index("Alex recent")
    assert "A draft" not in page and "Someone else's" not in page
    assert "approved so far: practice 2 h, supervision 0 h" in page
    assert "Sign-off queue 3 waiting" in page
    assert "3 entries from your trainees, grouped by trainee, oldest activity first" in page
    assert "press “Approve the ticked entries”. To send one back, open “Return with a" in page


def test_the_queue_shows_the_domains_and_looks_apart_approve_and_return(client, team):
    supervisor, alex, _ = team
    make_entry(alex, supervisor, "submitted", domains=["advocacy", "ethical_responsibility"])
    sign_in(client, supervisor)
    html = html_of(client.get("/supervise/"))
    assert 'data-label="Domains">Advocacy, Ethical Responsibility</td>' in html
    assert '<button type="submit" class="button" id="approve-button">' in html
    assert 'class="button button-secondary" formaction="/supervise/' in html
    # a small menu links the supervisor's pages to each other
    for link in ('href="/supervise/trainees"', 'href="/supervise/history"'):
        assert link in html


def test_a_long_queue_comes_a_page_at_a_time_oldest_first(client, team):
    supervisor, alex, _ = team
    start = datetime.now(UTC) - timedelta(days=30)
    entries = [
        make_entry(alex, supervisor, status="submitted", notes=f"Entry {n:02d}") for n in range(55)
    ]
    with in_app():
        for n, entry in enumerate(entries):
            db.session.get(HoursEntry, entry.id).submitted_at = start + timedelta(hours=n)
        db.session.commit()
    sign_in(client, supervisor)
    first = text_of(client.get("/supervise/"))
    assert "55 entries from your trainees, grouped by trainee, oldest activity first (50" in first
    assert "Entry 00" in first and "Entry 49" in first and "Entry 50" not in first
    assert "Page 1 of 2" in first and "Sign-off queue 55 waiting" in first
    assert "Select all on this page" in first
    second = text_of(client.get("/supervise/?page=2"))
    assert "Entry 50" in second and "Entry 54" in second and "Entry 49" not in second
    assert "Page 2 of 2" in text_of(client.get("/supervise/?page=99"))


def test_the_queue_runs_a_fixed_number_of_queries(app, client, team):
    from tests.training.lead.test_cohorts import counting_queries

    supervisor, alex, blair = team
    make_entry(alex, supervisor, status="submitted")
    make_entry(alex, supervisor, status="approved")  # one approval still to be undone, as below
    sign_in(client, supervisor)
    client.get("/supervise/")  # warm up
    with counting_queries(app) as few:
        client.get("/supervise/")
    for trainee in (alex, blair) * 15:
        make_entry(trainee, supervisor, status="submitted")
        make_entry(trainee, supervisor, status="approved")
    with counting_queries(app) as many:
        assert "31 entries" in text_of(client.get("/supervise/"))
    assert len(many) == len(few), many


def test_approving_several_at_once_keeps_who_when_credential_and_attestation(client, team):
    supervisor, alex, blair = team
    one = make_entry(alex, supervisor, status="submitted")
    two = make_entry(blair, supervisor, status="submitted")
    sign_in(client, supervisor)
    assert "Approved 2 entries" in text_of(approve(client, one, two))
    for entry in (one, two):
        assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
        (signed,) = sign_offs(entry.id)
        assert (signed.supervisor_name, signed.supervisor_credential) == (
            "Sam Supervisor",
            "CPRS 12345",
        )
        assert signed.attestation == "I attest that these hours took place as described."
    # The credential is kept as it was when signing, whatever happens later.
    with in_app():
        db.session.get(User, supervisor.id).credential = "Changed later"
        db.session.commit()
    assert sign_offs(one.id)[0].supervisor_credential == "CPRS 12345"
    sign_in(client, alex)
    detail = text_of(client.get(f"/hours/{one.id}"))
    assert "Signed by Sam Supervisor, CPRS 12345" in detail
    assert "Approved by Sam Supervisor" in detail


def test_approval_needs_the_attestation(client, team):
    supervisor, alex, _ = team
    entry = make_entry(alex, supervisor, status="submitted")
    sign_in(client, supervisor)
    assert "tick the box to attest" in text_of(approve(client, entry, attest=False))
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_returning_one_entry_needs_a_comment_and_leaves_the_others(client, team):
    supervisor, alex, _ = team
    one = make_entry(alex, supervisor, status="submitted")
    two = make_entry(alex, supervisor, status="submitted", day=TODAY - timedelta(days=3))
    sign_in(client, supervisor)
    missing = post(client, f"/supervise/{one.id}/return", {"comment": "  "}, follow_redirects=True)
    assert "Write a comment" in text_of(missing)
    assert fetch(HoursEntry, one.id).status == EntryStatus.SUBMITTED
    post(client, f"/supervise/{one.id}/return", {"comment": "Which domains?"})
    assert fetch(HoursEntry, one.id).status == EntryStatus.RETURNED
    assert fetch(HoursEntry, one.id).return_comment == "Which domains?"
    assert fetch(HoursEntry, two.id).status == EntryStatus.SUBMITTED


@pytest.mark.parametrize(
    "case", ["unassigned", "other supervisor", "own hours", "draft", "approved"]
)
def test_crafted_requests_never_sign_what_they_may_not(client, team, case):
    supervisor, alex, _ = team
    if case == "unassigned":
        stranger = make_user(Role.TRAINEE)
        entry = make_entry(stranger, supervisor, status="submitted")  # names us, but not assigned
    elif case == "other supervisor":
        colleague = make_user(Role.SUPERVISOR)
        assign(alex, colleague)
        entry = make_entry(alex, colleague, status="submitted")
    elif case == "own hours":
        # (a self-assignment cannot exist: the database refuses it, see tests/training/lead)
        entry = make_entry(supervisor, supervisor, status="submitted")
    else:
        entry = make_entry(alex, supervisor, status=case)
    before = fetch(HoursEntry, entry.id).status
    sign_in(client, supervisor)
    response = text_of(approve(client, entry))
    assert "Approved 1 entry" not in response
    post(client, f"/supervise/{entry.id}/return", {"comment": "crafted"})
    after = fetch(HoursEntry, entry.id)
    assert after.status == before
    assert len(sign_offs(entry.id)) == (1 if case == "approved" else 0)
    if case == "own hours":
        assert "can't sign off your own hours" in response
    if case in ("unassigned", "other supervisor"):
        assert client.get(f"/hours/{entry.id}").status_code == 404


def test_a_removed_supervisor_loses_the_queue(client, team):
    supervisor, alex, _ = team
    entry = make_entry(alex, supervisor, status="submitted")
    with in_app():
        from training.models import SupervisorAssignment

        db.session.execute(SupervisorAssignment.__table__.delete())
        db.session.commit()
    sign_in(client, supervisor)
    assert "Nothing is waiting" in text_of(client.get("/supervise/"))
    approve(client, entry)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_an_entry_retracted_meanwhile_is_not_approved(client, team):
    supervisor, alex, _ = team
    entry = make_entry(alex, supervisor, status="draft")  # retracted before the click arrived
    sign_in(client, supervisor)
    assert "already acted on" in text_of(approve(client, entry))
    assert sign_offs(entry.id) == []


def test_sign_off_forms_need_csrf(client, team):
    supervisor, alex, _ = team
    entry = make_entry(alex, supervisor, status="submitted")
    sign_in(client, supervisor)
    assert (
        client.post(
            "/supervise/approve", data={"entry": str(entry.id), "attest": "yes"}
        ).status_code
        == 400
    )
    assert client.post(f"/supervise/{entry.id}/return", data={"comment": "x"}).status_code == 400
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_the_whole_cycle_with_audit_trail(app, client, team):
    """Log, submit, return, correct, resubmit, approve, locked, totals."""
    supervisor, alex, _ = team
    trainee_client = app.test_client()
    sign_in(trainee_client, alex)
    data = {
        "day": (TODAY - timedelta(days=1)).isoformat(),
        "hours": "2",
        "minutes": "0",
        "kind": "supervised_practice",
        "method": "in_person",
        "domains": ["recovery_wellness"],
        "supervisor": str(supervisor.id),
        "notes": "Recovery planning with K.T.",
    }
    post(trainee_client, "/hours/new", data)
    entry = fetch(HoursEntry, 1) if not TEST_DATABASE_URL else _only_entry()
    post(trainee_client, "/hours/submit", {"entry": str(entry.id)})
    sign_in(client, supervisor)
    post(client, f"/supervise/{entry.id}/return", {"comment": "Add the second domain."})
    post(
        trainee_client,
        f"/hours/{entry.id}/edit",
        {**data, "domains": ["recovery_wellness", "advocacy"]},
    )
    post(trainee_client, "/hours/submit", {"entry": str(entry.id)})
    approve(client, fetch(HoursEntry, entry.id))
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    assert post(trainee_client, f"/hours/{entry.id}/edit", data).status_code == 303  # locked
    assert "2 of 500 h" in text_of(trainee_client.get("/hours/"))
    with in_app():
        trail = [
            (e.action, e.from_status, e.to_status)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.subject_id == entry.id).order_by(AuditEvent.id)
            )
        ]
    assert trail == [
        ("created", None, "draft"),
        ("submitted", "draft", "submitted"),
        ("returned", "submitted", "returned"),
        ("edited", None, "returned"),
        ("submitted", "returned", "submitted"),
        ("approved", "submitted", "approved"),
    ]


def _only_entry():
    with in_app():
        entry = db.session.scalars(select(HoursEntry)).one()
        db.session.expunge(entry)
        return entry


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs real concurrent connections (PostgreSQL)")
def test_two_simultaneous_actions_on_one_entry_exactly_one_wins(app, team):
    supervisor, alex, _ = team
    colleague = make_user(Role.SUPERVISOR)
    entry = make_entry(alex, supervisor, status="submitted")
    outcomes = []
    barrier = threading.Barrier(2)

    def act(kind):
        client = app.test_client()
        sign_in(client, supervisor)
        barrier.wait()
        if kind == "approve":
            response = approve(client, entry)
        else:
            response = post(
                client, f"/supervise/{entry.id}/return", {"comment": "No."}, follow_redirects=True
            )
        outcomes.append(text_of(response))

    threads = [threading.Thread(target=act, args=(k,)) for k in ("approve", "return")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = fetch(HoursEntry, entry.id).status
    assert final in (EntryStatus.APPROVED, EntryStatus.RETURNED)
    assert len(sign_offs(entry.id)) == (1 if final == EntryStatus.APPROVED else 0)
    assert sum("already acted on" in o for o in outcomes) == 1
    del colleague
