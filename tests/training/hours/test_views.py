"""The trainee's hours: logging with validation and warnings, submitting, retracting, deleting,
totals and exports; and every denial."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import (
    assign,
    count,
    fetch,
    hours_form,
    html_of,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.models import AuditEvent, EntryStatus, HoursEntry, Role

TODAY = datetime.now(UTC).date()


@pytest.fixture
def pair(app):
    trainee = make_user(Role.TRAINEE, name="Taylor Trainee")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 12345")
    assign(trainee, supervisor)
    return trainee, supervisor


@pytest.mark.parametrize("url", ["/hours/", "/hours/new", "/hours/export.csv", "/hours/summary"])
def test_anonymous_visitors_must_sign_in(client, url):
    assert "/login" in client.get(url).headers["Location"]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEAD])
@pytest.mark.parametrize("url", ["/hours/", "/hours/new", "/hours/export.csv", "/hours/summary"])
def test_only_trainees_log_hours(client, role, url):
    sign_in(client, make_user(role))
    assert client.get(url).status_code == 403


def test_a_trainee_logs_a_draft(client, pair):
    trainee, supervisor = pair
    sign_in(client, trainee)
    page = text_of(client.get("/hours/new"))
    assert "Sam Supervisor (CPRS 12345)" in page
    response = post(client, "/hours/new", hours_form(supervisor))
    assert response.status_code == 302
    (entry,) = [fetch(HoursEntry, 1)]
    assert (entry.minutes, entry.status, entry.domains) == (
        90,
        EntryStatus.DRAFT,
        ["advocacy", "ethical_responsibility"],
    )
    index = text_of(client.get("/hours/"))
    assert "Drafts (1)" in index and "Draft 1 h 30 min" in index


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": (TODAY + timedelta(days=1)).isoformat()}, "can't be in the future"),
        ({"day": (TODAY - timedelta(days=400)).isoformat()}, "older than 365 days"),
        ({"day": "not a date"}, "Not a valid date"),
        ({"hours": "0", "minutes": "0"}, "at least 15 minutes"),
        ({"hours": "13"}, "12 hours at most"),
        ({"minutes": "20"}, "steps of 15 minutes"),
        ({"kind": None}, "Choose what kind"),
        ({"method": "fax"}, "Choose how"),
        ({"domains": None}, "Choose at least one competency domain"),
        ({"domains": ["cooking"]}, "Choose domains from the list"),
        ({"notes": ""}, "Describe briefly"),
    ],
)
def test_bad_input_gets_a_message_keeps_the_input_and_saves_nothing(client, pair, changes, message):
    trainee, supervisor = pair
    sign_in(client, trainee)
    response = post(client, "/hours/new", hours_form(supervisor, **changes))
    assert response.status_code == 400
    assert message in text_of(response)
    if "notes" not in changes:
        assert "Group supervision on advocacy with housing services." in text_of(response)
    assert count(HoursEntry) == 0


def test_only_an_assigned_supervisor_can_be_chosen(client, pair):
    trainee, _ = pair
    stranger = make_user(Role.SUPERVISOR)
    sign_in(client, trainee)
    response = post(client, "/hours/new", hours_form(stranger))
    assert response.status_code == 400 and "assigned supervisors" in text_of(response)
    assert count(HoursEntry) == 0


def test_more_than_24_hours_on_a_day_is_refused(client, pair):
    trainee, supervisor = pair
    day = TODAY - timedelta(days=1)
    make_entry(trainee, supervisor, day=day, minutes=12 * 60, kind="supervised_practice")
    make_entry(trainee, supervisor, day=day, minutes=11 * 60, kind="supervised_practice")
    sign_in(client, trainee)
    response = post(client, "/hours/new", hours_form(supervisor, hours="1", minutes="15"))
    assert "more than 24 hours" in text_of(response) and count(HoursEntry) == 2
    assert (
        post(client, "/hours/new", hours_form(supervisor, hours="1", minutes="0")).status_code
        == 302
    )


def test_identifying_notes_warn_and_save_only_when_confirmed(client, pair):
    trainee, supervisor = pair
    sign_in(client, trainee)
    data = hours_form(supervisor, notes="Call Jo back on 555-123-4567 about housing")
    warned = post(client, "/hours/new", data)
    assert warned.status_code == 200
    page = text_of(warned)
    assert "seem to contain a phone number" in page and "initials or a code" in page
    assert count(HoursEntry) == 0
    assert post(client, "/hours/new", {**data, "confirm": "y"}).status_code == 302
    assert count(HoursEntry) == 1


def test_a_repeated_entry_is_a_warning_not_a_block(client, pair):
    trainee, supervisor = pair
    make_entry(
        trainee, supervisor, day=TODAY - timedelta(days=1), minutes=90, kind="group_supervision"
    )
    sign_in(client, trainee)
    warned = post(client, "/hours/new", hours_form(supervisor))
    assert "same date, kind and duration" in text_of(warned) and count(HoursEntry) == 1
    assert post(client, "/hours/new", {**hours_form(supervisor), "confirm": "y"}).status_code == 302
    assert count(HoursEntry) == 2


def test_without_a_supervisor_the_trainee_is_told_who_can_help(client):
    sign_in(client, make_user(Role.TRAINEE))
    for url in ("/hours/", "/hours/new"):
        page = text_of(client.get(url))
        assert "Your program lead assigns supervisors. Please ask your program lead" in page


def test_submit_retract_and_resubmit(client, pair):
    trainee, supervisor = pair
    first = make_entry(trainee, supervisor)
    second = make_entry(trainee, supervisor, day=TODAY - timedelta(days=3))
    sign_in(client, trainee)
    response = post(
        client, "/hours/submit", {"entry": [str(first.id), str(second.id)]}, follow_redirects=True
    )
    assert "Submitted 2 entries for sign-off" in text_of(response)
    assert fetch(HoursEntry, first.id).status == EntryStatus.SUBMITTED
    post(client, f"/hours/{first.id}/retract")
    assert fetch(HoursEntry, first.id).status == EntryStatus.DRAFT
    assert fetch(HoursEntry, second.id).status == EntryStatus.SUBMITTED
    events = [(e.action, e.to_status) for e in _events(first.id)]
    assert events == [("submitted", "submitted"), ("retracted", "draft")]


def _events(entry_id):
    from sqlalchemy import select

    from tests.helpers import in_app
    from training.extensions import db

    with in_app():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == entry_id).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return rows


def test_an_entry_someone_acted_on_cannot_be_retracted(client, pair):
    trainee, supervisor = pair
    entry = make_entry(trainee, supervisor, status="approved")
    sign_in(client, trainee)
    response = post(client, f"/hours/{entry.id}/retract", follow_redirects=True)
    assert "already acted on" in text_of(response)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_submitted_and_approved_entries_are_locked(client, pair, status):
    trainee, supervisor = pair
    entry = make_entry(trainee, supervisor, status=status)
    sign_in(client, trainee)
    assert client.get(f"/hours/{entry.id}/edit").status_code == 303
    assert (
        post(client, f"/hours/{entry.id}/edit", hours_form(supervisor, notes="changed")).status_code
        == 303
    )
    post(client, f"/hours/{entry.id}/delete")
    kept = fetch(HoursEntry, entry.id)
    assert kept is not None and kept.notes != "changed" and kept.minutes == 60


def test_drafts_and_returned_entries_can_be_edited_and_deleted(client, pair):
    trainee, supervisor = pair
    returned = make_entry(trainee, supervisor, status="returned", return_comment="Add the domain.")
    sign_in(client, trainee)
    page = text_of(client.get(f"/hours/{returned.id}/edit"))
    assert "Your supervisor's comment: Add the domain." in page
    post(client, f"/hours/{returned.id}/edit", hours_form(supervisor, notes="Corrected notes."))
    assert fetch(HoursEntry, returned.id).notes == "Corrected notes."
    assert fetch(HoursEntry, returned.id).status == EntryStatus.RETURNED
    post(client, "/hours/submit", {"entry": str(returned.id)})
    assert fetch(HoursEntry, returned.id).status == EntryStatus.SUBMITTED
    draft = make_entry(trainee, supervisor, day=TODAY - timedelta(days=5))
    post(client, f"/hours/{draft.id}/delete")
    assert fetch(HoursEntry, draft.id) is None
    assert [e.action for e in _events(draft.id)] == ["deleted"]


def test_a_trainee_never_touches_another_trainees_entries(app, client, pair):
    trainee, supervisor = pair
    other = make_user(Role.TRAINEE)
    assign(other, supervisor)
    theirs = make_entry(other, supervisor)
    submitted = make_entry(other, supervisor, status="submitted", day=TODAY - timedelta(days=4))
    sign_in(client, trainee)
    assert client.get(f"/hours/{theirs.id}").status_code == 404
    assert client.get(f"/hours/{theirs.id}/edit").status_code == 404
    assert post(client, f"/hours/{theirs.id}/edit", hours_form(supervisor)).status_code == 404
    assert post(client, f"/hours/{theirs.id}/delete").status_code == 404
    assert post(client, f"/hours/{submitted.id}/retract").status_code == 404
    post(client, "/hours/submit", {"entry": str(theirs.id)})
    assert fetch(HoursEntry, theirs.id).status == EntryStatus.DRAFT
    assert fetch(HoursEntry, submitted.id).status == EntryStatus.SUBMITTED


def test_forms_without_csrf_change_nothing(client, pair):
    trainee, supervisor = pair
    entry = make_entry(trainee, supervisor)
    sign_in(client, trainee)
    assert client.post("/hours/new", data=hours_form(supervisor)).status_code == 400
    assert client.post("/hours/submit", data={"entry": str(entry.id)}).status_code == 400
    assert client.post(f"/hours/{entry.id}/delete").status_code == 400
    assert count(HoursEntry) == 1 and fetch(HoursEntry, entry.id).status == EntryStatus.DRAFT


def test_totals_and_progress_toward_the_track(client, pair):
    trainee, supervisor = pair
    make_entry(
        trainee,
        supervisor,
        status="approved",
        minutes=90,
        kind="individual_supervision",
        domains=["ethical_responsibility", "advocacy"],
    )
    make_entry(
        trainee,
        supervisor,
        status="submitted",
        minutes=600,
        kind="supervised_practice",
        day=TODAY - timedelta(days=3),
    )
    sign_in(client, trainee)
    page = text_of(client.get("/hours/"))
    assert "Toward Peer Recovery Specialist" in page
    assert "Supervision: 1.5 of 25 h 23.5 more approved hours of supervision" in page
    assert "Supervised practice: 0 of 500 h" in page  # submitted hours do not count yet
    assert "Supervision in Ethical Responsibility: 0.75 of 6 h 5.25 more" in page
    assert "is split evenly between them: 1 hour on 2 domains counts 30 minutes toward each" in page
    assert "Waiting for sign-off 10 h" in page and "Approved 1 h 30 min" in page


def test_csv_export_holds_approved_hours_with_sign_off_and_no_notes(client, pair):
    trainee, supervisor = pair
    make_entry(trainee, supervisor, status="approved", notes="Secret detail about R.S.")
    make_entry(trainee, supervisor, status="submitted", day=TODAY - timedelta(days=3))
    sign_in(client, trainee)
    response = client.get("/hours/export.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 2
    assert (
        "Individual supervision" in lines[1]
        and "Sam Supervisor" in lines[1]
        and "CPRS 12345" in lines[1]
    )
    assert "Secret detail" not in response.get_data(as_text=True)


def test_printable_summary_lists_sign_offs(client, pair):
    trainee, supervisor = pair
    make_entry(trainee, supervisor, status="approved")
    sign_in(client, trainee)
    page = text_of(client.get("/hours/summary"))
    assert "Approved hours: Taylor Trainee" in page
    assert "Sam Supervisor, CPRS 12345" in page and "Trainee signature and date" in page


def test_navigation_counts_returned_entries(client, pair):
    trainee, supervisor = pair
    make_entry(trainee, supervisor, status="returned")
    sign_in(client, trainee)
    assert "My hours 1 returned to you" in text_of(client.get("/learn/"))
    assert 'class="count"' in html_of(client.get("/learn/"))


@pytest.mark.parametrize("url", ["/hours/", "/hours/summary", "/hours/export.csv"])
def test_the_hours_pages_run_a_fixed_number_of_queries(app, client, pair, url):
    from tests.training.lead.test_cohorts import counting_queries

    trainee, supervisor = pair
    other = make_user(Role.SUPERVISOR)
    assign(trainee, other)
    sign_in(client, trainee)
    make_entry(trainee, supervisor, status="approved")
    client.get(url)
    with counting_queries(app) as few:
        client.get(url)
    for days in range(3, 23):
        make_entry(
            trainee,
            other if days % 2 else supervisor,
            status="approved",
            day=TODAY - timedelta(days=days),
        )
    with counting_queries(app) as many:
        client.get(url)
    assert len(many) == len(few), (len(few), len(many))
