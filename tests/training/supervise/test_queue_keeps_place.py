"""The queue keeps the supervisor's place: a missed attestation or a missing return comment
comes back as a 400 with every tick and typed comment kept and the problem next to where it
is; after an approval or a return, the queue it leads to keeps the other ticks and the box;
"Select all" works without JavaScript; the empty queue says what happens next."""

from __future__ import annotations

import re

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
from training import limits
from training.models import AuditEvent, EntryStatus, HoursEntry, Role, SignOff


@pytest.fixture
def team(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    alex = make_user(Role.TRAINEE, name="Alex Trainee")
    assign(alex, supervisor)
    entries = [make_entry(alex, supervisor, "submitted", notes=f"Entry {n}") for n in range(3)]
    return supervisor, alex, entries


def _checked(html: str) -> set[str]:
    """The ids of the ticked entry boxes on the page."""
    return set(re.findall(r'name="entry" value="(\d+)" id="entry-\d+" checked', html))


def _field_with_error(html: str, field_id: str) -> str:
    """The block of the page from the field to the error right after it."""
    start = html.index(f'id="{field_id}"')
    return html[start : html.index('class="error"', start) + 200]


def test_a_missed_attestation_keeps_ticks_and_comments_and_says_so_by_the_box(client, team):
    supervisor, _, (one, two, three) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        "/supervise/approve",
        {
            "entry": [str(one.id), str(three.id)],
            "page": "1",
            f"entry-{two.id}-comment": "Which domains did you cover?",
        },
    )
    assert answer.status_code == 400
    html = html_of(answer)
    assert _checked(html) == {str(one.id), str(three.id)}
    assert "Which domains did you cover?</textarea>" in html
    near_box = _field_with_error(html, "attest")
    assert "To approve, tick the box to attest" in near_box
    assert 'aria-invalid="true"' in near_box
    assert "Nothing was changed" in text_of(answer)
    for entry in (one, two, three):
        assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED
    assert count(SignOff) == 0


def test_approving_with_nothing_ticked_says_so_by_the_button(client, team):
    supervisor, _, _ = team
    sign_in(client, supervisor)
    answer = post(client, "/supervise/approve", {"attest": "yes", "page": "1"})
    assert answer.status_code == 400
    html = html_of(answer)
    assert 'id="tick-error">Tick the entries you want to approve first.' in html
    assert 'id="attest" checked' in html  # the box they ticked stays ticked


def test_a_return_without_a_comment_is_an_error_next_to_that_entry(client, team):
    supervisor, _, (one, two, three) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        f"/supervise/{two.id}/return",
        {
            "entry": [str(one.id)],
            "page": "1",
            f"entry-{two.id}-comment": "   ",
            f"entry-{three.id}-comment": "Half-typed note",
        },
    )
    assert answer.status_code == 400
    html = html_of(answer)
    near = _field_with_error(html, f"entry-{two.id}-comment")
    assert "Write a comment so the trainee knows what to correct." in near
    assert re.search(r"<details open>\s*<summary>Return with a comment", html)
    assert _checked(html) == {str(one.id)}
    assert "Half-typed note</textarea>" in html
    assert fetch(HoursEntry, two.id).status == EntryStatus.SUBMITTED
    assert count(AuditEvent) == 0


def test_a_return_comment_over_the_limit_is_refused_next_to_the_entry(client, team):
    supervisor, _, (one, _, _) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        f"/supervise/{one.id}/return",
        {"page": "1", f"entry-{one.id}-comment": "x" * (limits.REASON + 1)},
    )
    assert answer.status_code == 400
    near = _field_with_error(html_of(answer), f"entry-{one.id}-comment")
    assert "Please use at most 2,000 characters." in near
    assert fetch(HoursEntry, one.id).return_comment is None


def test_returning_from_the_queue_keeps_the_other_ticks(client, team):
    supervisor, _, (one, two, three) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        f"/supervise/{two.id}/return",
        {
            "entry": [str(one.id), str(three.id)],
            "page": "1",
            f"entry-{two.id}-comment": "Add the domains.",
        },
        follow_redirects=True,
    )
    assert "Returned to the trainee with your comment." in text_of(answer)
    assert _checked(html_of(answer)) == {str(one.id), str(three.id)}
    after = fetch(HoursEntry, two.id)
    assert after.status == EntryStatus.RETURNED and after.return_comment == "Add the domains."


def test_returning_from_the_queue_leads_back_with_the_attestation_box_kept(client, team):
    supervisor, _, (one, two, _) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        f"/supervise/{two.id}/return",
        {
            "entry": [str(one.id)],
            "attest": "yes",
            "page": "1",
            f"entry-{two.id}-comment": "Add the domains.",
        },
    )
    assert answer.status_code == 303
    html = html_of(client.get(answer.headers["Location"]))
    assert "Returned to the trainee with your comment." in html
    assert 'id="attest" checked' in html
    assert _checked(html) == {str(one.id)}
    assert f'id="entry-{two.id}"' not in html  # returned: no longer waiting
    assert fetch(HoursEntry, two.id).status == EntryStatus.RETURNED


def test_approving_from_the_queue_keeps_the_other_ticks_and_the_attestation(client, team):
    supervisor, _, (one, two, three) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        "/supervise/approve",
        {"entry": [str(one.id)], "attest": "yes", "page": "1"},
        follow_redirects=True,
    )
    html = html_of(answer)
    assert "Approved 1 entry." in text_of(answer)
    assert 'id="attest" checked' in html
    assert _checked(html) == set()
    assert f'id="entry-{one.id}"' not in html
    assert {f'id="entry-{two.id}"', f'id="entry-{three.id}"'} <= set(
        re.findall(r'id="entry-\d+"', html)
    )
    assert fetch(HoursEntry, one.id).status == EntryStatus.APPROVED


def test_an_entry_acted_on_meanwhile_is_told_at_the_top(client, team):
    supervisor, _, (one, _, _) = team
    sign_in(client, supervisor)
    url = f"/supervise/{one.id}/return"
    post(client, url, {"page": "1", f"entry-{one.id}-comment": "a"})
    again = post(client, url, {"page": "1", f"entry-{one.id}-comment": "b"})
    assert again.status_code == 400
    assert "already acted on" in text_of(again)
    assert fetch(HoursEntry, one.id).return_comment == "a"


def test_select_all_ticks_every_entry_of_the_page_without_javascript(client, team):
    supervisor, _, entries = team
    sign_in(client, supervisor)
    comment = {f"entry-{entries[0].id}-comment": "Keep me", "page": "1", "attest": "yes"}
    answer = post(client, "/supervise/select", {**comment, "select": "all"})
    assert answer.status_code == 200
    html = html_of(answer)
    assert _checked(html) == {str(e.id) for e in entries}
    assert "Keep me</textarea>" in html and 'id="attest" checked' in html
    assert ">Untick all</button>" in html
    cleared = post(client, "/supervise/select", {**comment, "select": "none"})
    assert _checked(html_of(cleared)) == set()
    assert count(SignOff) == 0


def test_a_page_of_ticks_in_the_address_comes_back_ticked(client, team):
    supervisor, _, (one, _, three) = team
    sign_in(client, supervisor)
    html = html_of(client.get(f"/supervise/?entry={one.id}&entry={three.id}&entry=junk"))
    assert _checked(html) == {str(one.id), str(three.id)}


def test_the_forms_of_the_queue_need_csrf(client, team):
    supervisor, _, (one, _, _) = team
    sign_in(client, supervisor)
    for url in ("/supervise/select", f"/supervise/{one.id}/return", "/supervise/approve"):
        data = {"page": "1", "entry": str(one.id), f"entry-{one.id}-comment": "x", "attest": "yes"}
        assert client.post(url, data=data).status_code == 400
    assert fetch(HoursEntry, one.id).status == EntryStatus.SUBMITTED


def test_the_entry_page_is_sent_back_to_when_its_attestation_is_missed(client, team):
    supervisor, _, (one, _, _) = team
    sign_in(client, supervisor)
    answer = post(client, "/supervise/approve", {"entry": str(one.id)})
    assert answer.headers["Location"].endswith(f"/hours/{one.id}")


def test_others_are_kept_out_of_the_queue_actions(client, team):
    for role in (Role.TRAINEE, Role.LEAD):
        sign_in(client, make_user(role))
        assert post(client, "/supervise/select", {"select": "all"}).status_code == 403


def test_an_empty_queue_says_what_happens_next(client, app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    sign_in(client, supervisor)
    alone = text_of(client.get("/supervise/"))
    assert "Nothing is waiting for your sign-off." in alone
    assert "No trainees are assigned to you yet. Your program lead assigns" in alone
    assign(make_user(Role.TRAINEE), supervisor)
    response = client.get("/supervise/")
    page = text_of(response)
    assert "When they do, the entries show up here" in page
    assert "we email you a summary of what is waiting (at most once a day)" in page
    html = html_of(response)
    for link in ("/supervise/trainees", "/supervise/history", "/account/notifications"):
        assert f'href="{link}' in html, link


def test_a_return_keeps_the_comments_typed_beside_other_entries(client, team):
    """Nothing typed is lost: with a comment waiting beside another entry, the queue is shown
    again at once (not by a redirect, which could not carry it)."""
    supervisor, _, (one, two, three) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        f"/supervise/{two.id}/return",
        {
            "entry": [str(one.id)],
            "attest": "yes",
            "page": "1",
            f"entry-{two.id}-comment": "Add the domains.",
            f"entry-{three.id}-comment": "Which group was this?",
        },
    )
    assert answer.status_code == 200
    html = html_of(answer)
    assert "Returned to the trainee with your comment." in text_of(answer)
    assert "Which group was this?</textarea>" in html
    assert 'id="attest" checked' in html and _checked(html) == {str(one.id)}
    assert fetch(HoursEntry, two.id).status == EntryStatus.RETURNED


def test_an_approval_keeps_the_comments_typed_beside_other_entries(client, team):
    supervisor, _, (one, _, three) = team
    sign_in(client, supervisor)
    answer = post(
        client,
        "/supervise/approve",
        {
            "entry": [str(one.id)],
            "attest": "yes",
            "page": "1",
            f"entry-{one.id}-comment": "  ",
            f"entry-{three.id}-comment": "Which group was this?",
        },
    )
    assert answer.status_code == 200
    assert "Approved 1 entry." in text_of(answer)
    assert "Which group was this?</textarea>" in html_of(answer)
    assert fetch(HoursEntry, one.id).status == EntryStatus.APPROVED
