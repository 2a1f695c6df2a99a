"""Adding trainees to a cohort from a file of their addresses: the upload, a preview of every
row (nothing added), then the confirmation that reads the file again and adds the good rows;
every refusal explained on its row; only leads."""

from __future__ import annotations

import io
import re

import pytest

from tests.helpers import (
    fetch,
    html_of,
    make_cohort,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.models import AuditEvent, Role, User


def upload(client, cohort, text: str, **extra):  # type: ignore[no-untyped-def]
    data = {"emails_file": (io.BytesIO(text.encode()), "people.csv"), **extra}
    return post(
        client,
        f"/lead/cohorts/{cohort.id}/trainees/csv",
        data,
        content_type="multipart/form-data",
    )


@pytest.fixture
def lead(client):
    sign_in(client, make_user(Role.LEAD, name="Morgan Lead"))
    return client


@pytest.fixture
def people():
    """A cohort, and people whose addresses a file names: two who can join, and one of each
    kind that cannot."""
    cohort, other = make_cohort(), make_cohort("Autumn 2026")
    return {
        "cohort": cohort,
        "riley": make_user(Role.TRAINEE, name="Riley Chen", email="riley@example.org"),
        "alex": make_user(Role.TRAINEE, name="Alex Kim", email="alex@example.org"),
        "sam": make_user(Role.SUPERVISOR, name="Sam Okafor", email="sam@example.org"),
        "jo": make_user(Role.TRAINEE, name="Jo Park", email="jo@example.org", cohort_id=other.id),
        "lee": make_user(Role.TRAINEE, name="Lee Gray", email="lee@example.org", active=False),
    }


FILE = (
    "Name,Email\n"
    "Riley Chen,RILEY@example.org\n"
    "Alex Kim,alex@example.org\n"
    "Sam Okafor,sam@example.org\n"
    "Jo Park,jo@example.org\n"
    "Lee Gray,lee@example.org\n"
    "Nobody,nobody@example.org\n"
    "Typo,not-an-address\n"
)


def _row(html: str, number: int) -> str:
    match = re.search(rf'<tr id="row-{number}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {number}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_cohort_page_offers_the_upload(lead, people):
    html = html_of(lead.get(f"/lead/cohorts/{people['cohort'].id}"))
    assert 'enctype="multipart/form-data"' in html and 'name="emails_file"' in html
    assert "Nothing is added yet" in html


def test_the_preview_explains_every_row_and_adds_nobody(lead, people):
    cohort = people["cohort"]
    response = upload(lead, cohort, FILE, next=f"/lead/cohorts/{cohort.id}?sort=quiz")
    assert response.status_code == 200
    html = html_of(response)
    assert "2 trainees will be added; 5 rows cannot be" in text_of(response)
    assert "Will be added" in _row(html, 2) and "Riley Chen" in _row(html, 2)
    assert "Will be added" in _row(html, 3)
    assert "Sam Okafor is not a trainee" in _row(html, 4)
    assert "already in the cohort “Autumn 2026”" in _row(html, 5)
    assert "Lee Gray's account is deactivated" in _row(html, 6)
    assert "Nobody has an account with this address" in _row(html, 7)
    assert "not an email address" in _row(html, 8)
    assert "Add 2 trainees to Spring 2026" in text_of(response)
    assert f'name="next" value="/lead/cohorts/{cohort.id}?sort=quiz"' in html
    assert fetch(User, people["riley"].id).cohort_id is None  # nothing yet


def test_confirming_adds_the_good_rows_and_goes_back(lead, people):
    cohort = people["cohort"]
    preview = html_of(upload(lead, cohort, FILE))
    carried = re.search(r'name="emails" type="hidden" value="([^"]*)"', preview)
    assert carried, "the file's text is carried to the confirmation"
    back = f"/lead/cohorts/{cohort.id}?sort=quiz#add-trainees"
    done = post(
        lead,
        f"/lead/cohorts/{cohort.id}/trainees/csv/confirm",
        {"emails": carried.group(1), "next": back},
    )
    # the rows the file could not add are listed again, each with why, and the way back
    assert done.status_code == 200 and f'href="{back}"' in html_of(done)
    assert "Added 2 trainees to Spring 2026." in text_of(done)
    assert "Sam Okafor is not a trainee" in _row(html_of(done), 4)
    assert fetch(User, people["riley"].id).cohort_id == cohort.id
    assert fetch(User, people["alex"].id).cohort_id == cohort.id
    assert fetch(User, people["jo"].id).cohort_id != cohort.id
    assert fetch(User, people["sam"].id).cohort_id is None
    from tests.helpers import in_app
    from training.extensions import db

    with in_app():
        added = db.session.query(AuditEvent).filter_by(action="added to cohort").count()
    assert added == 2


def test_a_trainee_added_elsewhere_meanwhile_is_shown_as_not_added(lead, people):
    cohort, riley = people["cohort"], people["riley"]
    other = make_cohort("Winter 2027")
    with_riley = "riley@example.org\nalex@example.org\n"
    # Another lead puts Riley in another cohort between the preview and the confirmation: the
    # confirmation reads the file again, so Riley is refused with why, and Alex is added.
    post(lead, f"/lead/cohorts/{other.id}/trainees", {"trainees": [str(riley.id)]})
    response = post(lead, f"/lead/cohorts/{cohort.id}/trainees/csv/confirm", {"emails": with_riley})
    assert response.status_code == 200  # Riley's row is listed with why, never dropped
    page, html = text_of(response), html_of(response)
    assert "Not added to Spring 2026" in page and "Added 1 trainee to Spring 2026." in page
    assert "Riley Chen is already in the cohort “Winter 2027”" in _row(html, 1)
    assert "alex@example.org" not in page
    assert fetch(User, riley.id).cohort_id == other.id
    assert fetch(User, people["alex"].id).cohort_id == cohort.id


def test_a_second_click_on_confirm_adds_nobody_and_says_why_not_success(lead, people):
    cohort = people["cohort"]
    confirm = f"/lead/cohorts/{cohort.id}/trainees/csv/confirm"
    emails = "riley@example.org\nalex@example.org\n"
    assert post(lead, confirm, {"emails": emails}).status_code == 302
    lead.get(f"/lead/cohorts/{cohort.id}")  # the first click's "Added 2" is shown and gone
    again = post(lead, confirm, {"emails": emails})
    assert again.status_code == 200
    page, html = text_of(again), html_of(again)
    assert "Added 0" not in page and "Added" not in page
    assert "Nobody was added." in page
    assert "Riley Chen is already in this cohort" in _row(html, 1)
    assert "Alex Kim is already in this cohort" in _row(html, 2)
    from tests.helpers import in_app
    from training.extensions import db

    with in_app():
        added = db.session.query(AuditEvent).filter_by(action="added to cohort").count()
    assert added == 2  # the first click's, nothing more


def test_rows_refused_at_the_confirmation_are_listed_with_the_added_ones_counted(lead, people):
    """The file's bad rows stay listed after the confirmation, each with its reason."""
    cohort = people["cohort"]
    response = post(lead, f"/lead/cohorts/{cohort.id}/trainees/csv/confirm", {"emails": FILE})
    assert response.status_code == 200
    page, html = text_of(response), html_of(response)
    assert "Added 2 trainees to Spring 2026." in page
    assert "Sam Okafor is not a trainee" in _row(html, 4)
    assert "Nobody has an account with this address" in _row(html, 7)
    assert 'id="row-2"' not in html and 'id="row-3"' not in html  # these two were added


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "The file is empty"),
        ("email\n", "no addresses"),
        ("x@example.org\n" * 501, "at most 500 at a time"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_next_to_the_field(lead, people, text, words):
    response = upload(lead, people["cohort"], text)
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="emails_file-error"' in html and words in text_of(response)


def test_no_file_chosen_is_said_next_to_the_field(lead, people):
    response = post(
        lead,
        f"/lead/cohorts/{people['cohort'].id}/trainees/csv",
        {},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Choose a file of email addresses to upload." in text_of(response)


def test_the_upload_page_works_on_its_own(lead, people):
    page = lead.get(f"/lead/cohorts/{people['cohort'].id}/trainees/csv")
    assert page.status_code == 200
    assert "one email address on each line" in text_of(page)


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_add_from_a_file(client, people, role):
    sign_in(client, make_user(role))
    cohort = people["cohort"]
    assert client.get(f"/lead/cohorts/{cohort.id}/trainees/csv").status_code == 403
    assert upload(client, cohort, "riley@example.org\n").status_code == 403
    confirm = f"/lead/cohorts/{cohort.id}/trainees/csv/confirm"
    assert post(client, confirm, {"emails": "riley@example.org"}).status_code == 403
    assert fetch(User, people["riley"].id).cohort_id is None


def test_an_unknown_cohort_is_not_found(lead):
    assert lead.get("/lead/cohorts/999999/trainees/csv").status_code == 404
    assert (
        post(lead, "/lead/cohorts/999999/trainees/csv/confirm", {"emails": "a@b.org"}).status_code
        == 404
    )


def test_a_trainee_taken_between_reading_and_writing_is_listed_with_why(lead, people, monkeypatch):
    """The moment between checking the file and writing: another lead's add wins, and this
    page lists who could not be added after all (the others were)."""
    from sqlalchemy import update

    from training.extensions import db
    from training.lead import cohort_csv_views

    cohort, riley = people["cohort"], people["riley"]
    other = make_cohort("Winter 2027")
    real_add = cohort_csv_views.add_to_cohort

    def another_lead_first(into, ids):  # type: ignore[no-untyped-def]
        db.session.execute(update(User).where(User.id == riley.id).values(cohort_id=other.id))
        return real_add(into, ids)

    monkeypatch.setattr(cohort_csv_views, "add_to_cohort", another_lead_first)
    response = post(
        lead,
        f"/lead/cohorts/{cohort.id}/trainees/csv/confirm",
        {"emails": "riley@example.org\nalex@example.org\n"},
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Not added to Spring 2026" in page and "Added 1 trainee to Spring 2026." in page
    assert "riley@example.org" in page and "Not added: this account changed a moment ago" in page
    assert "alex@example.org" not in page
    assert fetch(User, riley.id).cohort_id == other.id
    assert fetch(User, people["alex"].id).cohort_id == cohort.id
