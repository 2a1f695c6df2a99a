"""Saving and submitting at once, copying an entry, and deleting only after a confirmation;
each for the trainee who owns the entry, and never for anyone else."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import (
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
from tests.training.hours.test_views import _events
from training.models import EntryStatus, HoursEntry, Role

TODAY = datetime.now(UTC).date()


# --- save and submit ---------------------------------------------------------------------------


def test_the_form_offers_both_ways_to_save(client, people):
    sign_in(client, people.trainee)
    page = html_of(client.get("/hours/new"))
    assert 'name="submit" value="y" class="button button-secondary">Save as draft' in page
    assert 'name="send" value="y" class="button">Save and submit' in page


def test_save_and_submit_sends_a_new_entry_to_the_supervisor(client, people):
    sign_in(client, people.trainee)
    response = post(client, "/hours/new", {**hours_form(people.supervisor), "send": "y"})
    assert response.status_code == 302
    (entry,) = [fetch(HoursEntry, 1)]
    assert entry.status == EntryStatus.SUBMITTED and entry.submitted_at is not None
    assert [(e.action, e.to_status) for e in _events(entry.id)] == [
        ("created", "draft"),
        ("submitted", "submitted"),
    ]
    listing = text_of(client.get(response.headers["Location"]))
    assert "Saved and submitted for sign-off to Sam Supervisor." in listing
    assert "Waiting for sign-off (1)" in listing


def test_save_and_submit_is_one_transaction(client, people, monkeypatch):
    """When submitting fails half-way, the entry is not left saved as a draft either."""
    from training.mail import notices

    def mail_fails(*args: object) -> None:
        raise RuntimeError("the outbox is unavailable")

    monkeypatch.setattr(notices, "hours_sent_for_sign_off", mail_fails)
    sign_in(client, people.trainee)
    with pytest.raises(RuntimeError):
        post(client, "/hours/new", {**hours_form(people.supervisor), "send": "y"})
    assert count(HoursEntry) == 0


def test_save_as_draft_still_only_saves(client, people):
    sign_in(client, people.trainee)
    post(client, "/hours/new", {**hours_form(people.supervisor), "submit": "y"})
    assert fetch(HoursEntry, 1).status == EntryStatus.DRAFT


def test_a_corrected_returned_entry_is_saved_and_submitted_again(client, people):
    trainee, supervisor, _ = people
    entry = make_entry(trainee, supervisor, "returned", return_comment="Add the domain.")
    sign_in(client, trainee)
    edit = html_of(client.get(f"/hours/{entry.id}/edit?next=/hours/%3Fstatus%3Dreturned"))
    assert "Save and submit" in edit
    response = post(
        client,
        f"/hours/{entry.id}/edit?next=/hours/%3Fstatus%3Dreturned",
        {**hours_form(supervisor, notes="Corrected notes."), "send": "y"},
    )
    assert response.headers["Location"] == "/hours/?status=returned"  # back where they were
    saved = fetch(HoursEntry, entry.id)
    assert (saved.status, saved.notes) == (EntryStatus.SUBMITTED, "Corrected notes.")


def test_bad_input_with_save_and_submit_saves_and_submits_nothing(client, people):
    sign_in(client, people.trainee)
    response = post(client, "/hours/new", {**hours_form(people.supervisor, notes=""), "send": "y"})
    assert response.status_code == 400 and "Describe briefly" in text_of(response)
    assert count(HoursEntry) == 0


def test_a_warning_holds_save_and_submit_until_confirmed(client, people):
    trainee, supervisor, _ = people
    yesterday = TODAY - timedelta(days=1)
    make_entry(trainee, supervisor, day=yesterday, minutes=90, kind="group_supervision")
    sign_in(client, trainee)
    data = {**hours_form(supervisor), "send": "y"}
    assert "same date, kind and duration" in text_of(post(client, "/hours/new", data))
    assert count(HoursEntry) == 1
    post(client, "/hours/new", {**data, "confirm": "y"})
    assert fetch(HoursEntry, 2).status == EntryStatus.SUBMITTED


# --- copy --------------------------------------------------------------------------------------


def test_a_copy_fills_a_new_entry_form_dated_today_and_saves_nothing(client, people):
    trainee, supervisor, _ = people
    entry = make_entry(
        trainee,
        supervisor,
        "approved",
        day=TODAY - timedelta(days=20),
        minutes=105,
        kind="group_supervision",
        method="video",
        domains=["advocacy"],
        notes="Weekly group on advocacy.",
    )
    sign_in(client, trainee)
    response = client.get(f"/hours/{entry.id}/copy?next=/hours/%3Fstatus%3Dapproved")
    assert response.status_code == 200
    page = html_of(response)
    assert f'value="{TODAY.isoformat()}"' in page
    assert 'action="/hours/new?next=/hours/?status%3Dapproved"' in page
    assert "Weekly group on advocacy." in page
    for value in ("group_supervision", "video", "advocacy"):
        assert re.search(rf'<input checked [^>]*value="{value}"', page), value
    assert not re.search(r'<input checked [^>]*value="in_person"', page)
    assert '<option selected value="1">1</option>' in page  # 1 h 45 min
    assert '<option selected value="45">45</option>' in page
    assert f"Copied from your entry of {entry.day:%-d %B %Y}" in text_of(response)
    assert count(HoursEntry) == 1
    data = hours_form(supervisor, day=TODAY.isoformat(), notes="Weekly group on advocacy.")
    post(client, "/hours/new", data)
    assert count(HoursEntry) == 2
    assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED


def test_only_the_trainee_copies_their_own_entries(app, client, people):
    trainee, supervisor, lead = people
    entry = make_entry(trainee, supervisor)
    sign_in(client, make_user(Role.TRAINEE))
    assert client.get(f"/hours/{entry.id}/copy").status_code == 404
    for someone in (supervisor, lead):
        other = app.test_client()
        sign_in(other, someone)
        assert other.get(f"/hours/{entry.id}/copy").status_code == 403


# --- delete, after a confirmation --------------------------------------------------------------


def test_deleting_a_draft_asks_first_and_changes_nothing_until_confirmed(client, people):
    trainee, supervisor, _ = people
    draft = make_entry(trainee, supervisor, day=TODAY - timedelta(days=6))
    sign_in(client, trainee)
    listing = html_of(client.get("/hours/?status=draft"))
    link = f'href="/hours/{draft.id}/delete?next=/hours/?status%3Ddraft"'
    assert link in listing
    response = client.get(f"/hours/{draft.id}/delete?next=/hours/%3Fstatus%3Ddraft")
    assert response.status_code == 200
    page = text_of(response)
    assert "Delete this draft?" in page
    assert f"delete your draft of {draft.day:%-d %B %Y}" in page and "can't be undone" in page
    html = html_of(response)
    assert f'action="/hours/{draft.id}/delete"' in html
    assert 'name="next" value="/hours/?status=draft"' in html
    assert 'class="button button-danger">Delete the draft' in html
    assert 'class="button button-secondary" href="/hours/?status=draft">Cancel' in html
    assert fetch(HoursEntry, draft.id) is not None

    done = post(client, f"/hours/{draft.id}/delete", {"next": "/hours/?status=draft"})
    assert done.headers["Location"] == "/hours/?status=draft"
    assert fetch(HoursEntry, draft.id) is None
    assert f"The entry of {draft.day:%-d %B %Y} was deleted." in text_of(
        client.get(done.headers["Location"])
    )


def test_cancel_from_the_edit_page_goes_back_to_it(client, people):
    trainee, supervisor, _ = people
    draft = make_entry(trainee, supervisor)
    sign_in(client, trainee)
    edit = client.get(f"/hours/{draft.id}/edit").get_data(as_text=True)
    link = f"/hours/{draft.id}/delete?next=/hours/&cancel=/hours/{draft.id}/edit"
    assert f'href="{link.replace("&", "&amp;")}"' in edit
    page = html_of(client.get(link))
    assert f'href="/hours/{draft.id}/edit">Cancel' in page


def test_a_next_off_the_site_is_never_followed(client, people):
    trainee, supervisor, _ = people
    draft = make_entry(trainee, supervisor)
    sign_in(client, trainee)
    page = html_of(
        client.get(f"/hours/{draft.id}/delete?next=https://evil.example/&cancel=//evil.example")
    )
    assert "evil.example" not in page
    done = post(client, f"/hours/{draft.id}/delete", {"next": "https://evil.example/"})
    assert done.headers["Location"] == "/hours/"


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_only_drafts_and_returned_entries_have_a_delete_page(client, people, status):
    trainee, supervisor, _ = people
    entry = make_entry(trainee, supervisor, status)
    sign_in(client, trainee)
    response = client.get(f"/hours/{entry.id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/hours/{entry.id}"
    assert "Only drafts and returned entries can be deleted" in text_of(
        client.get(response.headers["Location"])
    )


def test_nobody_else_deletes_or_sees_the_delete_page(app, client, people):
    trainee, supervisor, lead = people
    draft = make_entry(trainee, supervisor)
    sign_in(client, make_user(Role.TRAINEE))
    assert client.get(f"/hours/{draft.id}/delete").status_code == 404
    assert post(client, f"/hours/{draft.id}/delete").status_code == 404
    for someone in (supervisor, lead):
        other = app.test_client()
        sign_in(other, someone)
        assert other.get(f"/hours/{draft.id}/delete").status_code == 403
        assert post(other, f"/hours/{draft.id}/delete").status_code == 403
    assert fetch(HoursEntry, draft.id) is not None


def test_an_entry_submitted_meanwhile_is_not_overwritten_and_the_page_says_so(
    client, people, monkeypatch
):
    """Saving a draft that another tab submitted a moment ago: a clear message on the entry's
    page, not an error page, and the submitted entry keeps what it was submitted with."""
    from sqlalchemy import update

    from training.extensions import db
    from training.hours import services

    trainee, supervisor, _ = people
    entry = make_entry(trainee, supervisor, "draft", notes="As first written.")
    real_save = services.save_entry

    def submitted_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        db.session.execute(
            update(HoursEntry)
            .where(HoursEntry.id == entry.id)
            .values(status=EntryStatus.SUBMITTED)
            .execution_options(synchronize_session=False)
        )
        return real_save(*args, **kwargs)

    monkeypatch.setattr(services, "save_entry", submitted_meanwhile)
    sign_in(client, trainee)
    response = post(client, f"/hours/{entry.id}/edit", hours_form(supervisor, notes="Changed."))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/hours/{entry.id}"
    page = text_of(client.get(f"/hours/{entry.id}"))
    assert "changed meanwhile" in page and "nothing was saved" in page
    assert fetch(HoursEntry, entry.id).notes == "As first written."
