"""After an action in the sign-off queue that changed something (approve, return, undo), the
answer is a redirect (303) to the queue, where the confirmation is shown once: refreshing that
page shows the queue again and never offers to post the form a second time. The queue keeps
its place: the page, the other ticks and the attestation box. When nothing could be done, the
queue comes back as the person left it, as before."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import (
    assign,
    count,
    fetch,
    html_of,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.models import EntryStatus, HoursEntry, Role, SignOff


@pytest.fixture
def team(app, monkeypatch):  # type: ignore[no-untyped-def]
    """A supervisor with five entries waiting, two to a page (so there is a page 2)."""
    monkeypatch.setattr("training.supervise.queue.QUEUE_PAGE_SIZE", 2)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    alex = make_user(Role.TRAINEE, name="Alex Trainee")
    assign(alex, supervisor)
    entries = [make_entry(alex, supervisor, "submitted") for _ in range(5)]
    return supervisor, entries


def _checked(html: str) -> set[str]:
    return set(re.findall(r'name="entry" value="(\d+)" id="entry-\d+" checked', html))


def _shown(html: str) -> set[str]:
    return set(re.findall(r'name="entry" value="(\d+)"', html))


def _query(location: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query)


def test_approving_leads_back_to_the_same_page_of_the_queue_with_the_message(client, team):
    supervisor, _ = team
    sign_in(client, supervisor)
    page_two = sorted(_shown(html_of(client.get("/supervise/?page=2"))), key=int)
    answer = post(client, "/supervise/approve", {"entry": page_two, "attest": "yes", "page": "2"})
    # the queue at page 2 (now the last entry alone), with the box kept ticked
    assert answer.status_code == 303
    assert _query(answer.headers["Location"]) == ("/supervise/", {"page": ["2"], "attest": ["yes"]})
    after = client.get(answer.headers["Location"])
    assert after.status_code == 200
    assert "Approved 2 entries." in text_of(after)
    assert 'id="attest" checked' in html_of(after)
    assert {fetch(HoursEntry, int(i)).status for i in page_two} == {EntryStatus.APPROVED}
    assert page_two[0] not in _shown(html_of(after))
    again = client.get(answer.headers["Location"])  # a refresh: the queue, nothing posted
    assert "Approved 2 entries." not in text_of(again)
    assert count(SignOff) == 2


def test_returning_one_keeps_the_page_and_the_other_ticks_on_the_queue_it_leads_to(client, team):
    supervisor, _ = team
    sign_in(client, supervisor)
    ticked, returned = sorted(_shown(html_of(client.get("/supervise/?page=2"))), key=int)
    answer = post(
        client,
        f"/supervise/{returned}/return",
        {
            "entry": [ticked],
            "page": "2",
            "attest": "yes",
            f"entry-{returned}-comment": "Add the domains.",
        },
    )
    assert answer.status_code == 303
    assert _query(answer.headers["Location"]) == (
        "/supervise/",
        {"page": ["2"], "entry": [ticked], "attest": ["yes"]},
    )
    after = client.get(answer.headers["Location"])
    assert "Returned to the trainee with your comment." in text_of(after)
    html = html_of(after)
    assert _checked(html) == {ticked} and returned not in _shown(html)
    assert 'id="attest" checked' in html
    assert fetch(HoursEntry, int(returned)).status == EntryStatus.RETURNED


def test_returning_leads_back_to_the_queue_with_the_message(client, team):
    supervisor, entries = team
    sign_in(client, supervisor)
    entry = entries[0]
    answer = post(
        client,
        f"/supervise/{entry.id}/return",
        {"page": "1", f"entry-{entry.id}-comment": "Which domains did you cover?"},
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/supervise/"
    after = client.get(answer.headers["Location"])
    assert "Returned to the trainee with your comment." in text_of(after)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.RETURNED


def test_returning_from_the_entry_page_leads_back_with_a_303(client, team):
    supervisor, entries = team
    sign_in(client, supervisor)
    entry = entries[0]
    answer = post(client, f"/supervise/{entry.id}/return", {"comment": "Add the domains."})
    assert answer.status_code == 303
    assert "Returned to the trainee" in text_of(client.get(answer.headers["Location"]))


def test_undoing_leads_back_with_a_303(client, team):
    supervisor, entries = team
    sign_in(client, supervisor)
    entry = entries[0]
    post(client, "/supervise/approve", {"entry": [str(entry.id)], "attest": "yes", "page": "1"})
    answer = post(client, f"/supervise/{entry.id}/undo", {"next": "/supervise/?page=2"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/supervise/?page=2"
    assert "is undone" in text_of(client.get(answer.headers["Location"]))


def test_when_nothing_could_be_approved_the_queue_comes_back_as_it_was_left(client, team):
    supervisor, entries = team
    sign_in(client, supervisor)
    entry, other = entries[0], entries[1]
    data = {
        "entry": [str(entry.id)],
        "attest": "yes",
        "page": "1",
        f"entry-{other.id}-comment": "Half-typed note",
    }
    post(client, "/supervise/approve", data)
    again = post(client, "/supervise/approve", data)  # the same form, posted again
    assert again.status_code == 200
    assert "already acted on" in text_of(again)
    assert "Half-typed note</textarea>" in html_of(again)
    assert count(SignOff) == 1
