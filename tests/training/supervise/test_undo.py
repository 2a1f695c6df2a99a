"""Undoing a mistaken approval: within the window (SIGNOFF_UNDO_MINUTES) the supervisor who
approved puts the entry back in their queue, after a page that says what will happen; after
the window, by anyone else, or once a certificate was issued since, nothing changes and the
page says why. Every undo is an audit event; the sign-off stays on record, marked undone."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import (
    assign,
    count,
    fetch,
    html_of,
    in_app,
    make_certificate,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.extensions import db
from training.models import AuditEvent, EntryStatus, HoursEntry, Role, SignOff


@pytest.fixture
def team(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    alex = make_user(Role.TRAINEE, name="Alex Trainee")
    assign(alex, supervisor)
    return supervisor, alex


def approved_by(client, supervisor, trainee):  # type: ignore[no-untyped-def]
    """An entry the signed-in supervisor approves through the queue, as they would."""
    entry = make_entry(trainee, supervisor, "submitted")
    sign_in(client, supervisor)
    data = {"entry": str(entry.id), "attest": "yes", "page": "1"}
    answer = post(client, "/supervise/approve", data, follow_redirects=True)
    assert "Approved 1 entry. If that was a mistake, you can undo it" in text_of(answer)
    return entry


def signed_minutes_ago(entry_id: int, minutes: float) -> None:
    with in_app():
        sign_off = db.session.scalar(select(SignOff).where(SignOff.entry_id == entry_id))
        sign_off.signed_at = datetime.now(UTC) - timedelta(minutes=minutes)
        db.session.commit()


def undo_events(entry_id: int) -> list[tuple[str | None, str | None, str | None]]:
    with in_app():
        return [
            (e.from_status, e.to_status, e.comment)
            for e in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.subject_id == entry_id, AuditEvent.action == "approval undone"
                )
            )
        ]


def test_within_the_window_the_queue_offers_undo_and_the_confirmation_says_what_happens(
    client, team
):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    queue = client.get("/supervise/")
    assert "Just approved" in text_of(queue)
    link = f'href="/supervise/{entry.id}/undo?next=/supervise/"'
    assert link in html_of(queue)
    confirm = client.get(f"/supervise/{entry.id}/undo?next=/supervise/")
    page = text_of(confirm)
    assert "Undo your approval?" in page
    assert "Undoing puts the entry back in your sign-off queue as waiting" in page
    assert "Your sign-off stays on record, marked as undone by you" in page
    assert "If the email telling Alex Trainee these hours were signed off has not gone" in page
    assert "If it has, Alex Trainee gets a short email saying you are taking another" in page
    assert 'name="next" value="/supervise/"' in html_of(confirm)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED  # the page changed nothing


def test_undoing_within_the_window_puts_the_entry_back_and_is_audited(client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    signed_minutes_ago(entry.id, 14)
    answer = post(client, f"/supervise/{entry.id}/undo", {"next": "/supervise/"})
    assert answer.headers["Location"] == "/supervise/"
    page = text_of(client.get("/supervise/"))
    assert "Your approval of Alex Trainee's entry is undone" in page
    assert "1 entry from your trainees" in page and "Just approved" not in page
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED
    with in_app():
        sign_off = db.session.scalar(select(SignOff).where(SignOff.entry_id == entry.id))
        assert sign_off.voided_at is not None and sign_off.voided_by_id == supervisor.id
        assert sign_off.void_reason.startswith("Undone by Sam Supervisor at ")
    ((old, new, comment),) = undo_events(entry.id)
    assert (old, new) == ("approved", "submitted") and comment.startswith("Undone by Sam")
    detail = text_of(client.get(f"/hours/{entry.id}"))
    assert "undid their approval on" in detail and "to look at it again." in detail
    assert "Undone by Sam" not in detail.split("History", 1)[0]  # not the stored reason
    history = text_of(client.get("/supervise/history"))
    assert "Undid the approval" in history and "Waiting for sign-off" in history
    assert "Undo this approval" not in history


def test_after_the_window_nothing_changes_and_the_lead_is_named(client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    signed_minutes_ago(entry.id, 16)
    assert "Just approved" not in text_of(client.get("/supervise/"))
    assert "Undo this approval" not in text_of(client.get("/supervise/history"))
    refused = post(client, f"/supervise/{entry.id}/undo", follow_redirects=True)
    assert "more than 15 minutes ago, so it can't be undone" in text_of(refused)
    assert "ask your program lead to void the sign-off" in text_of(refused)
    asked = client.get(f"/supervise/{entry.id}/undo", follow_redirects=True)
    assert "more than 15 minutes ago" in text_of(asked)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    assert undo_events(entry.id) == []


def test_the_window_is_a_setting(app, client, team):
    supervisor, alex = team
    app.config["SIGNOFF_UNDO_MINUTES"] = 60
    entry = approved_by(client, supervisor, alex)
    signed_minutes_ago(entry.id, 45)
    post(client, f"/supervise/{entry.id}/undo")
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_after_a_certificate_was_issued_the_approval_stays(client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    make_certificate(alex, issued_days_ago=0)  # issued now: after the approval
    assert "Just approved" not in text_of(client.get("/supervise/"))
    refused = post(client, f"/supervise/{entry.id}/undo", follow_redirects=True)
    assert "A certificate was issued to Alex Trainee after you approved this entry" in text_of(
        refused
    )
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    assert undo_events(entry.id) == []


def test_a_certificate_issued_before_the_approval_does_not_stop_it(client, team):
    supervisor, alex = team
    certificate = make_certificate(alex)
    with in_app():
        from training.models import Certificate

        db.session.get(Certificate, certificate.id).issued_at = datetime.now(UTC) - timedelta(1)
        db.session.commit()
    entry = approved_by(client, supervisor, alex)
    post(client, f"/supervise/{entry.id}/undo")
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_another_trainees_certificate_does_not_stop_it(client, team):
    """Only a certificate of this entry's trainee counts: one issued meanwhile to somebody
    else leaves the approval undoable, in the queue and when undone."""
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    someone = make_user(Role.TRAINEE, name="Someone Else")
    make_entry(someone, make_user(Role.SUPERVISOR, name="Other Supervisor"), "approved")
    make_certificate(someone, issued_days_ago=0)
    assert "Just approved" in text_of(client.get("/supervise/"))
    post(client, f"/supervise/{entry.id}/undo")
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_someone_else_cannot_undo_it(app, client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    colleague = make_user(Role.SUPERVISOR)
    assign(alex, colleague)  # supervises the same trainee, but did not approve it
    other = app.test_client()
    sign_in(other, colleague)
    assert other.get(f"/supervise/{entry.id}/undo").status_code == 404
    assert post(other, f"/supervise/{entry.id}/undo").status_code == 404
    for role in (Role.TRAINEE, Role.LEAD):
        sign_in(other, make_user(role))
        assert other.get(f"/supervise/{entry.id}/undo").status_code == 403
        assert post(other, f"/supervise/{entry.id}/undo").status_code == 403
    sign_in(other, alex)
    assert post(other, f"/supervise/{entry.id}/undo").status_code == 403
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    assert undo_events(entry.id) == []


def test_a_supervisor_no_longer_assigned_cannot_undo(client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    with in_app():
        from training.models import SupervisorAssignment

        db.session.execute(SupervisorAssignment.__table__.delete())
        db.session.commit()
    refused = post(client, f"/supervise/{entry.id}/undo", follow_redirects=True)
    assert "You no longer supervise Alex Trainee" in text_of(refused)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED


def test_a_sign_off_the_lead_voided_meanwhile_is_not_undone(app, client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    lead = make_user(Role.LEAD)
    with in_app():
        from training.hours import signoffs

        signoffs.void_sign_off(
            db.session.get(type(lead), lead.id), db.session.get(HoursEntry, entry.id), "Wrong"
        )
    refused = post(client, f"/supervise/{entry.id}/undo", follow_redirects=True)
    assert "is not approved any more" in text_of(refused)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.RETURNED
    assert undo_events(entry.id) == []


def test_undoing_needs_csrf(client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    assert client.post(f"/supervise/{entry.id}/undo").status_code == 400
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED


def test_an_undone_entry_can_be_approved_again(client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    post(client, f"/supervise/{entry.id}/undo")
    data = {"entry": str(entry.id), "attest": "yes", "page": "1"}
    assert "Approved 1 entry" in text_of(
        post(client, "/supervise/approve", data, follow_redirects=True)
    )
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    assert count(SignOff) == 2  # the undone one stays on record


def test_undoing_twice_says_it_is_already_undone(client, team):
    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    post(client, f"/supervise/{entry.id}/undo")
    again = post(client, f"/supervise/{entry.id}/undo", follow_redirects=True)
    assert "You have already undone this approval" in text_of(again)
    assert len(undo_events(entry.id)) == 1


def test_a_window_of_zero_turns_undoing_off(app, client, team):
    supervisor, alex = team
    app.config["SIGNOFF_UNDO_MINUTES"] = 0
    entry = make_entry(alex, supervisor, "submitted")
    sign_in(client, supervisor)
    data = {"entry": str(entry.id), "attest": "yes", "page": "1"}
    page = text_of(post(client, "/supervise/approve", data, follow_redirects=True))
    assert "Approved 1 entry." in page and "undo" not in page.lower()
    refused = post(client, f"/supervise/{entry.id}/undo", follow_redirects=True)
    assert "Approvals can't be undone on this site." in text_of(refused)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED


def test_an_undo_that_read_the_entry_before_another_tabs_undo_says_already_undone(
    app, client, team
):
    """Two tabs: this one has read the entry (still approved) when the other's undo commits.
    What it says is decided from what holds once it has the trainee's lock, not from a mix of
    reads from before and after the other undo (which said "not approved any more")."""
    from training.hours.services import HoursError
    from training.supervise import undo

    supervisor, alex = team
    entry = approved_by(client, supervisor, alex)
    other_tab = app.test_client()
    sign_in(other_tab, supervisor)
    with in_app():
        me = db.session.get(type(supervisor), supervisor.id)
        stale = db.session.get(HoursEntry, entry.id)
        assert stale.status == EntryStatus.APPROVED  # read before the other tab's undo
        # the other tab's request runs in a thread: its own app context, its own session
        thread = threading.Thread(target=post, args=(other_tab, f"/supervise/{entry.id}/undo"))
        thread.start()
        thread.join()
        with pytest.raises(HoursError, match="You have already undone this approval"):
            undo.undo(me, stale)
    assert len(undo_events(entry.id)) == 1
