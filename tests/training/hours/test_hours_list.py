"""The trainee's hours list: what needs them first, why an entry came back (a lead's void is
not a supervisor's comment), filtering by period and status, and the page without a
supervisor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import (
    count,
    fetch,
    hours_form,
    html_of,
    in_app,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.extensions import db
from training.hours.filters import ENDS_BEFORE_START
from training.hours.forms import NOT_A_DATE
from training.models import EntryStatus, HoursEntry, Role, User

TODAY = datetime.now(UTC).date()


def _day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).strftime("%d %b %Y")


def test_returned_entries_and_drafts_come_before_the_totals(client, people):
    trainee, supervisor, _ = people
    make_entry(trainee, supervisor, "returned", return_comment="Add the domain.")
    make_entry(trainee, supervisor, "draft", day=TODAY - timedelta(days=3))
    make_entry(trainee, supervisor, "submitted", day=TODAY - timedelta(days=4))
    make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=5))
    sign_in(client, trainee)
    page = text_of(client.get("/hours/"))
    order = [
        page.index(words)
        for words in (
            "Returned to you (1)",
            "Drafts (1)",
            "Submit the ticked entries",
            "Toward Peer Recovery Specialist",
            "Totals",
            "Waiting for sign-off (1)",
            "Approved (1)",
        )
    ]
    assert order == sorted(order)
    assert "Your supervisor's comment: Add the domain." in page


def _void(lead: User, entry: HoursEntry, reason: str) -> None:
    from training.hours import signoffs

    with in_app():
        signoffs.void_sign_off(
            db.session.get(User, lead.id), db.session.get(HoursEntry, entry.id), reason
        )


def test_a_voided_sign_off_says_the_lead_reopened_it(client, people):
    trainee, supervisor, lead = people
    entry = make_entry(trainee, supervisor, "approved")
    _void(lead, entry, "Signed for the wrong date.")
    sign_in(client, trainee)
    note = "program lead reopened this entry. Their note: Signed for the wrong date."
    for url in ("/hours/", f"/hours/{entry.id}/edit", f"/hours/{entry.id}"):
        page = text_of(client.get(url))
        assert note in page, url
        assert "Your supervisor's comment" not in page and "asked for a correction" not in page
    detail = text_of(client.get(f"/hours/{entry.id}"))
    assert "; the program lead took the approval back on" in detail


def test_once_sent_again_and_returned_the_supervisors_comment_shows(client, people):
    from training.hours import signoffs

    trainee, supervisor, lead = people
    entry = make_entry(trainee, supervisor, "approved")
    _void(lead, entry, "Signed for the wrong date.")
    sign_in(client, trainee)
    post(client, "/hours/submit", {"entry": str(entry.id)})
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED
    with in_app():
        signoffs.return_entry(db.session.get(User, supervisor.id), entry.id, "Add the domain.")
    page = text_of(client.get("/hours/"))
    assert "Your supervisor's comment: Add the domain." in page
    assert "withdrew" not in page


@pytest.fixture
def spread(people):
    """A draft 2 days ago, an approved entry 10 days ago, a submitted one 40 days ago."""
    trainee, supervisor, _ = people
    make_entry(trainee, supervisor, "draft", day=TODAY - timedelta(days=2))
    make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=10))
    make_entry(trainee, supervisor, "submitted", day=TODAY - timedelta(days=40))
    return people


def _iso(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def test_the_list_filters_by_period_and_keeps_the_totals_whole(client, spread):
    sign_in(client, spread.trainee)
    response = client.get(f"/hours/?from={_iso(15)}&to={_iso(5)}")
    assert response.status_code == 200
    page = text_of(response)
    assert _day(10) in page and _day(2) not in page and _day(40) not in page
    assert "Drafts (0)" in page and "Approved (1)" in page
    assert f'value="{_iso(15)}"' in html_of(response)
    assert "Progress and totals always count all your entries" in page
    assert "Waiting for sign-off 1 h" in page  # the totals still count the entry left out
    assert "Show all your entries" in page  # the empty lists lead back to everything


def test_the_list_filters_by_status(client, spread):
    sign_in(client, spread.trainee)
    page = text_of(client.get("/hours/?status=submitted"))
    assert "Waiting for sign-off (1)" in page and _day(40) in page
    assert "Drafts (" not in page and "Approved (" not in page
    assert "with the status “Waiting for sign-off”" in page


@pytest.mark.parametrize(
    ("query", "message", "kept"),
    [
        ("from=31%2F02%2F2026", NOT_A_DATE, 'value="31/02/2026"'),
        ("to=soon", NOT_A_DATE, 'value="soon"'),
        ("from=1066-10-14", "Enter a date between", 'value="1066-10-14"'),
        (f"from={_iso(5)}&to={_iso(15)}", ENDS_BEFORE_START, f'value="{_iso(5)}"'),
        ("status=lost", "Choose a status from the list.", 'id="status-error"'),
    ],
)
def test_a_filter_it_cannot_use_is_explained_next_to_its_box_and_left_out(
    client, spread, query, message, kept
):
    sign_in(client, spread.trainee)
    response = client.get(f"/hours/?{query}")
    assert response.status_code == 400
    html = html_of(response)
    assert message in text_of(response) and kept in html
    assert 'class="error" id="' in html  # next to its box, tied to it
    page = text_of(response)
    assert all(_day(d) in page for d in (2, 10, 40))  # the list is not filtered by it


def test_the_exports_follow_the_period_chosen(client, people):
    trainee, supervisor, _ = people
    make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=10))
    make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=40), minutes=120)
    sign_in(client, trainee)
    listing = html_of(client.get(f"/hours/?from={_iso(15)}"))
    assert f'href="/hours/export.csv?from={_iso(15)}"' in listing
    assert f'href="/hours/summary?from={_iso(15)}"' in listing
    rows = client.get(f"/hours/export.csv?from={_iso(15)}").get_data(as_text=True)
    assert len(rows.strip().splitlines()) == 2 and _iso(10) in rows and _iso(40) not in rows
    everything = client.get("/hours/export.csv?from=nonsense").get_data(as_text=True)
    assert len(everything.strip().splitlines()) == 3  # a date that is not a date is left out


# --- no supervisor yet ----------------------------------------------------------------------------


@pytest.fixture
def alone(people):
    """A trainee nobody supervises, and the program's lead."""
    return make_user(Role.TRAINEE, name="Alex Alone"), people.lead


def test_without_a_supervisor_the_list_says_whom_to_ask_instead_of_offering_the_form(client, alone):
    trainee, _ = alone
    sign_in(client, trainee)
    response = client.get("/hours/")
    page = text_of(response)
    assert "You need a supervisor before you can log hours" in page
    assert "Please ask Morgan Lead" in page and "your program lead, to assign one to you" in page
    assert 'href="mailto:morgan.lead@example.org"' in html_of(response)
    assert 'href="/hours/new' not in html_of(response)
    assert "Once a supervisor is assigned, you can log hours here." in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_a_supervisor_there_is_no_entry_form_and_nothing_is_saved(client, alone, method):
    trainee, _ = alone
    sign_in(client, trainee)
    if method == "get":
        response = client.get("/hours/new")
        assert response.status_code == 200
    else:
        response = post(client, "/hours/new", hours_form(make_user(Role.SUPERVISOR)))
        assert response.status_code == 400
    assert "You need a supervisor before you can log hours" in text_of(response)
    assert "Morgan Lead" in text_of(response)
    assert 'name="notes"' not in html_of(response) and 'name="day"' not in html_of(response)
    assert count(HoursEntry) == 0


def test_a_returned_entry_cannot_be_corrected_without_a_supervisor(client, people):
    from training.hours import assignments

    trainee, supervisor, lead = people
    entry = make_entry(trainee, supervisor, "returned", return_comment="Add the domain.")
    with in_app():
        assignments.remove(
            db.session.get(User, lead.id),
            db.session.get(User, trainee.id),
            db.session.get(User, supervisor.id),
        )
    sign_in(client, trainee)
    page = text_of(client.get(f"/hours/{entry.id}/edit"))
    assert "You need a supervisor before you can log hours" in page
    response = post(client, f"/hours/{entry.id}/edit", hours_form(supervisor, notes="Changed."))
    assert response.status_code == 400
    assert fetch(HoursEntry, entry.id).notes != "Changed."


def test_a_supervisors_own_undo_is_not_taken_for_a_leads_void(client, people):
    """A supervisor who undoes an approval voids their own sign-off (``supervise.undo``); if
    they then return the entry, the trainee reads the supervisor's comment."""
    from training.models import SignOff

    trainee, supervisor, _ = people
    entry = make_entry(trainee, supervisor, "approved")
    with in_app():
        sign_off = db.session.scalars(db.select(SignOff).filter_by(entry_id=entry.id)).one()
        sign_off.voided_at = datetime.now(UTC)
        sign_off.voided_by_id = supervisor.id
        sign_off.void_reason = "Undone by Sam Supervisor."
        row = db.session.get(HoursEntry, entry.id)
        row.status, row.return_comment = EntryStatus.RETURNED, "Add the domain."
        db.session.commit()
    sign_in(client, trainee)
    page = text_of(client.get("/hours/"))
    assert "Your supervisor's comment: Add the domain." in page and "withdrew" not in page
