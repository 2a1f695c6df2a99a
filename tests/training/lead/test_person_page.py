"""A trainee's page for the lead: hours totalled by kind and status and listed a page at a time,
the cohort they are in (or a way to add them to one); and after creating a person, links to
what comes next."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.helpers import (
    fetch,
    html_of,
    make_cohort,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from tests.training.lead.test_cohorts import counting_queries
from training.lead.person_hours import ENTRIES_PAGE
from training.models import Role, User


@pytest.fixture
def lead(client):
    sign_in(client, make_user(Role.LEAD, name="Morgan Lead"))
    return client


@pytest.fixture
def riley():
    return make_user(Role.TRAINEE, name="Riley Chen", email="riley@example.org")


def _row(html: str, kind: str) -> list[str]:
    """The cells of the totals row of ``kind``."""
    match = re.search(rf'<th scope="row"[^>]*>{kind}</th>(.*?)</tr>', html, re.S)
    assert match, f"no totals row {kind}"
    return [" ".join(c.split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_the_hours_are_totalled_by_kind_and_status(lead, riley):
    sam = make_user(Role.SUPERVISOR)
    make_entry(riley, sam, "approved", minutes=90, kind="individual_supervision")
    make_entry(riley, sam, "approved", minutes=60, kind="individual_supervision")
    make_entry(riley, sam, "submitted", minutes=30, kind="group_supervision")
    make_entry(riley, sam, "returned", minutes=120, kind="supervised_practice")
    make_entry(riley, sam, "draft", minutes=45, kind="supervised_practice")
    response = lead.get(f"/lead/people/{riley.id}")
    html = html_of(response)
    assert "Riley Chen's hours by kind and status" in html
    assert re.findall(r'<th scope="col">([^<]+)</th>', html.split("hours by kind")[1])[:4] == [
        "Kind",
        "Approved",
        "Waiting for sign-off",
        "Returned to correct",
    ]
    assert _row(html, "Individual supervision") == ["2 h 30 min", "0 h", "0 h"]
    assert _row(html, "Group supervision") == ["0 h", "30 min", "0 h"]
    assert _row(html, "Supervised practice") == ["0 h", "0 h", "2 h"]
    assert _row(html, "All kinds") == ["2 h 30 min", "30 min", "2 h"]
    assert "Also 45 min in drafts Riley Chen has not submitted yet." in text_of(response)


def test_the_hours_list_is_paged_in_a_fixed_number_of_queries(app, lead, riley):
    sam = make_user(Role.SUPERVISOR)
    first = date(2026, 1, 1)
    for n in range(ENTRIES_PAGE + 3):
        make_entry(riley, sam, "approved", day=first + timedelta(days=n), minutes=60)
    lead.get(f"/lead/people/{riley.id}")
    with counting_queries(app) as one:
        page_one = lead.get(f"/lead/people/{riley.id}")
    html = html_of(page_one)
    assert html.count('href="/hours/') == ENTRIES_PAGE
    newest = (first + timedelta(days=ENTRIES_PAGE + 2)).strftime("%-d %b %Y")
    assert newest in html
    assert f"{ENTRIES_PAGE + 3} entries, newest first, {ENTRIES_PAGE} a page." in text_of(page_one)
    following = re.search(r'href="([^"]*page=2[^"]*)">Next page', html)
    assert following and following.group(1).endswith("#hours")
    with counting_queries(app) as two:
        page_two = lead.get(following.group(1).split("#")[0])
    assert html_of(page_two).count('href="/hours/') == 3
    assert first.strftime("%-d %b %Y") in html_of(page_two)
    assert "Page 2 of 2" in text_of(page_two)
    assert len(one) == len(two)
    assert "Page 2 of 2" in text_of(lead.get(f"/lead/people/{riley.id}?page=99"))  # the last


def test_no_hours_yet_says_what_happens_next(lead, riley):
    page = text_of(lead.get(f"/lead/people/{riley.id}"))
    assert "No hours logged yet." in page and "once a supervisor is assigned above" in page
    assert "hours by kind and status" not in page


def test_a_trainee_without_a_cohort_is_added_to_one_from_their_page(lead, riley):
    spring = make_cohort()
    html = html_of(lead.get(f"/lead/people/{riley.id}"))
    assert "Riley Chen is not in a cohort yet." in html
    assert f'<option value="{spring.id}">Spring 2026</option>' in html
    back = f"/lead/people/{riley.id}#cohort"
    done = post(lead, f"/lead/people/{riley.id}/cohort", {"cohort": str(spring.id), "next": back})
    assert done.status_code == 302 and done.headers["Location"] == back
    assert fetch(User, riley.id).cohort_id == spring.id
    page = text_of(lead.get(f"/lead/people/{riley.id}"))
    assert "Added Riley Chen to Spring 2026." in page and "Riley Chen is in Spring 2026." in page
    again = post(lead, f"/lead/people/{riley.id}/cohort", {"cohort": str(make_cohort("B").id)})
    assert again.status_code == 303  # in a cohort already: refused, nothing moved
    assert fetch(User, riley.id).cohort_id == spring.id


def test_with_no_cohort_at_all_the_page_says_to_create_one(lead, riley):
    page = text_of(lead.get(f"/lead/people/{riley.id}"))
    assert "there are no cohorts. Create a cohort" in page


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_add_someone_to_a_cohort(client, riley, role):
    spring = make_cohort()
    sign_in(client, riley if role == Role.TRAINEE else make_user(role))
    refused = post(client, f"/lead/people/{riley.id}/cohort", {"cohort": str(spring.id)})
    assert refused.status_code == 403 and fetch(User, riley.id).cohort_id is None


def test_after_creating_a_trainee_the_page_links_to_what_comes_next(lead):
    response = post(
        lead,
        "/lead/people/new",
        {"name": "Ana Ruiz", "email": "ana@example.org", "role": "trainee"},
    )
    html = html_of(response)
    page = text_of(response)
    assert "What comes next" in page
    person = re.search(r'href="(/lead/people/\d+)#cohort">Add Ana Ruiz to a cohort', html)
    assert person, "a link to add Ana to a cohort"
    assert f'href="{person.group(1)}#supervisors">Assign a supervisor' in html
    assert f'href="{person.group(1)}">See Ana Ruiz\'s page' in html
    target = html_of(lead.get(person.group(1)))
    assert 'id="cohort"' in target and 'id="supervisors"' in target


def test_after_creating_a_supervisor_the_next_step_is_a_cohort(lead):
    response = post(
        lead,
        "/lead/people/new",
        {"name": "Sam Okafor", "email": "sam@example.org", "role": "supervisor"},
    )
    page = text_of(response)
    assert "Make Sam Okafor the supervisor of a whole cohort" in page
    assert "Add Sam Okafor to a cohort" not in page
