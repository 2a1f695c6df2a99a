"""Adding trainees to a cohort when the program has thousands: the cohort page lists at most 50
trainees without a cohort, found by name or email, as checkboxes with labels; the form accepts
any active trainee in no cohort (checked against the database), and nobody else."""

from __future__ import annotations

import re
from html import unescape

from tests.helpers import fetch, html_of, make_cohort, make_user, post, sign_in, text_of
from tests.training.lead.test_supervisor_changes import offered
from training.models import Role, User


def _checkboxes(html: str) -> dict[str, str]:
    """Value -> label text of the page's "trainees" checkboxes, each label tied by its id."""
    found = {}
    for box in re.findall(r'<input[^>]*name="trainees"[^>]*>', html):
        assert 'type="checkbox"' in box, box
        box_id = re.search(r'id="([^"]+)"', box).group(1)
        value = re.search(r'value="([^"]+)"', box).group(1)
        label = re.search(rf'<label for="{box_id}">([^<]*)</label>', html)
        assert label, f"no label for {box}"
        found[value] = unescape(label.group(1))
    return found


def test_the_cohort_page_lists_at_most_fifty_trainees_and_a_search_finds_the_rest(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    for n in range(55):
        make_user(Role.TRAINEE, name=f"Alex {n:02d}")
    blair = make_user(Role.TRAINEE, name="Zoe Blair", email="blair@example.org")
    make_user(Role.TRAINEE, name="Blair Inactive", active=False)
    page = client.get(f"/lead/cohorts/{cohort.id}")
    shown = _checkboxes(html_of(page))
    assert len(shown) == 50 and str(blair.id) not in shown
    assert "More match: type more of a name or email above to narrow your search." in text_of(page)

    found = client.get(f"/lead/cohorts/{cohort.id}?find=BLAIR")
    assert _checkboxes(html_of(found)) == {str(blair.id): "Zoe Blair (blair@example.org)"}
    assert "More match" not in text_of(found)
    by_email = _checkboxes(html_of(client.get(f"/lead/cohorts/{cohort.id}?find=blair@exa")))
    assert list(by_email) == [str(blair.id)]
    assert "No trainee without a cohort matches “nobody”." in text_of(
        client.get(f"/lead/cohorts/{cohort.id}?find=nobody")
    )
    wildcard = client.get(f"/lead/cohorts/{cohort.id}?find=%25")  # "%" is a character here
    assert _checkboxes(html_of(wildcard)) == {}


def test_too_long_a_search_is_left_out_with_a_message(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    make_user(Role.TRAINEE, name="Riley")
    response = client.get(f"/lead/cohorts/{cohort.id}?find={'x' * 201}")
    assert response.status_code == 200
    assert "at most 200 characters" in text_of(response)
    assert len(_checkboxes(html_of(response))) == 1  # as with no search
    assert 'maxlength="200"' in html_of(response)


def test_trainees_outside_the_search_may_be_added_and_nobody_else(client):
    sign_in(client, make_user(Role.LEAD))
    cohort, other = make_cohort(), make_cohort("Autumn 2026")
    shown = make_user(Role.TRAINEE, name="Alex Shown")
    unseen = make_user(Role.TRAINEE, name="Sam Unseen")
    searched = _checkboxes(html_of(client.get(f"/lead/cohorts/{cohort.id}?find=alex")))
    assert list(searched) == [str(shown.id)]
    added = post(
        client,
        f"/lead/cohorts/{cohort.id}/trainees",
        {"trainees": [str(shown.id), str(unseen.id)]},
        follow_redirects=True,
    )
    assert "Added 2 trainees to Spring 2026." in text_of(added)
    assert fetch(User, unseen.id).cohort_id == cohort.id
    # someone in another cohort, a supervisor or nobody at all: the whole form is refused
    elsewhere = make_user(Role.TRAINEE, cohort_id=other.id)
    newcomer = make_user(Role.TRAINEE)
    for intruder in (str(elsewhere.id), str(make_user(Role.SUPERVISOR).id), "999999"):
        refused = post(
            client,
            f"/lead/cohorts/{cohort.id}/trainees",
            {"trainees": [str(newcomer.id), intruder]},
            follow_redirects=True,
        )
        assert "can no longer be added" in text_of(refused) and "Nobody was added" in text_of(
            refused
        )
    not_a_number = post(
        client,
        f"/lead/cohorts/{cohort.id}/trainees",
        {"trainees": [str(newcomer.id), "x"]},
        follow_redirects=True,
    )
    assert "Tick at least one trainee to add." in text_of(not_a_number)
    assert fetch(User, newcomer.id).cohort_id is None
    assert fetch(User, elsewhere.id).cohort_id == other.id
    nothing = post(client, f"/lead/cohorts/{cohort.id}/trainees", {}, follow_redirects=True)
    assert "Tick at least one trainee to add." in text_of(nothing)


def test_at_most_fifty_trainees_are_added_at_once(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    people = [make_user(Role.TRAINEE) for _ in range(51)]
    refused = post(
        client,
        f"/lead/cohorts/{cohort.id}/trainees",
        {"trainees": [str(p.id) for p in people]},
        follow_redirects=True,
    )
    assert "Add at most 50 trainees at a time." in text_of(refused)
    assert all(fetch(User, p.id).cohort_id is None for p in people)


def test_the_page_offers_checkboxes_and_a_search_form(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    riley = make_user(Role.TRAINEE, name="Riley")
    make_user(Role.SUPERVISOR, name="Sam")
    html = html_of(client.get(f"/lead/cohorts/{cohort.id}"))
    assert offered(html, "trainees") == [(str(riley.id), "")]
    assert '<form method="get"' in html and 'name="find"' in html
    # the cohort supervisor form says what assigning does, now and for trainees added later
    assert "alongside any supervisors they already have" in html
    assert "Trainees added to the cohort later are not" in html


def test_with_no_trainee_to_add_the_page_does_not_claim_everyone_is_in_a_cohort(client):
    sign_in(client, make_user(Role.LEAD))
    cohort = make_cohort()
    page = text_of(client.get(f"/lead/cohorts/{cohort.id}"))
    assert "No trainee is waiting for a cohort (everyone is in one, or no trainees have" in page
    assert "Every trainee is already in a cohort" not in page
