"""Issue, revoke, re-issue and void each ask first: a GET of the action's address shows what will
happen (who, which track, the email, what verification says) and changes nothing; the POST does
it and brings the lead back to the page they came from, never to another site; a problem is
said next to its field, with what was typed kept; only leads get either page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.helpers import (
    count,
    fetch,
    html_of,
    make_certificate,
    make_entry,
    post,
    sign_in,
    text_of,
)
from tests.training.certs.test_views import make_eligible, setup  # noqa: F401 (a fixture)
from training.models import AuditEvent, Certificate, EntryStatus, HoursEntry, Role

REGISTER = "/lead/certificates?status=valid&q=riley"
OFF_SITE = ["https://evil.example/x", "//evil.example/x", "/\\evil.example"]


@pytest.fixture
def lead(client, setup):  # noqa: F811
    sign_in(client, setup[0])
    return client


@pytest.fixture
def held(setup):  # noqa: F811
    """A valid certificate of the trainee's (a stored row)."""
    return make_certificate(setup[2], code="7K3QDM9X2AF4R8T")


# --- issue ---------------------------------------------------------------------------------------


def test_the_issue_page_says_what_will_happen_and_changes_nothing(app, lead, setup):  # noqa: F811
    _, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    events = count(AuditEvent)
    response = lead.get(f"/lead/people/{trainee.id}/certificate?next={quote(REGISTER)}")
    page = text_of(response)
    assert response.status_code == 200
    assert "Issue a certificate to Riley Chen?" in page
    assert "with the name Riley Chen printed on it" in page
    assert "sends Riley Chen an email saying it was issued" in page
    assert "Issue the certificate" in page
    html = html_of(response)
    assert f'name="next" value="{REGISTER}"' in html
    assert f'href="{REGISTER}">Cancel' in html  # Cancel goes back there too
    assert count(Certificate) == 0 and count(AuditEvent) == events


def test_issuing_brings_the_lead_back_to_the_page_they_came_from(app, lead, setup):  # noqa: F811
    _, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    done = post(lead, f"/lead/people/{trainee.id}/certificate", {"next": REGISTER})
    assert done.status_code == 302 and done.headers["Location"] == REGISTER
    assert count(Certificate) == 1
    assert "Issued certificate" in text_of(lead.get(REGISTER))


def test_the_issue_page_of_someone_not_eligible_offers_no_button(lead, setup):  # noqa: F811
    trainee = setup[2]
    page = text_of(lead.get(f"/lead/people/{trainee.id}/certificate"))
    assert "cannot be issued a certificate yet" in page and "What is still needed" in page
    assert "Issue the certificate" not in page


def test_the_issue_page_of_a_holder_points_to_their_certificate(lead, setup, held):  # noqa: F811
    page = text_of(lead.get(f"/lead/people/{setup[2].id}/certificate"))
    assert "already holds a current certificate" in page and "7K3QD-M9X2A-F4R8T" in page
    assert "Issue the certificate" not in page


# --- revoke --------------------------------------------------------------------------------------


def test_the_revoke_page_says_what_will_happen_and_changes_nothing(lead, held):
    events = count(AuditEvent)
    page = text_of(lead.get(f"/certificates/{held.id}/revoke?next={quote(REGISTER)}"))
    assert "Revoke certificate 7K3QD-M9X2A-F4R8T?" in page
    assert "stops the code 7K3QD-M9X2A-F4R8T verifying as valid" in page
    assert "withdraws its PDF" in page and "sends Riley Chen an email" in page
    assert "It cannot be undone." in page
    assert "Reason category (shown publicly)" in page
    assert "Anyone with the code sees this category, and so does Riley Chen." in page
    assert "with the reason category (not what you write)" in page
    assert "What you write in “What happened” is never public" in page
    assert fetch(Certificate, held.id).revoked_at is None and count(AuditEvent) == events


def test_a_revoke_without_a_reason_is_refused_beside_the_box_keeping_the_choice(lead, held):
    response = post(
        lead, f"/certificates/{held.id}/revoke", {"category": "misconduct", "next": REGISTER}
    )
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="reason-error"' in html and "Write the reason for revoking" in text_of(response)
    assert '<option selected value="misconduct">' in html  # the category chosen is kept
    assert f'name="next" value="{REGISTER}"' in html
    assert fetch(Certificate, held.id).revoked_at is None


def test_a_revoke_without_a_category_is_refused_beside_it_keeping_the_reason(lead, held):
    response = post(lead, f"/certificates/{held.id}/revoke", {"reason": "Forged hours."})
    assert response.status_code == 400
    assert 'id="category-error"' in html_of(response)
    assert "Forged hours.</textarea>" in html_of(response)
    assert fetch(Certificate, held.id).revoked_at is None


def test_revoking_brings_the_lead_back(lead, held):
    back = f"{REGISTER}#certificate-{held.id}"
    done = post(
        lead,
        f"/certificates/{held.id}/revoke",
        {"category": "misconduct", "reason": "Forged hours.", "next": back},
    )
    assert done.status_code == 302 and done.headers["Location"] == back
    assert fetch(Certificate, held.id).revoked_at is not None


def test_a_revoked_certificate_offers_nothing_more_to_revoke_or_reissue(lead, setup):  # noqa: F811
    from datetime import UTC, datetime

    gone = make_certificate(setup[2], revoked_at=datetime.now(UTC), revoke_reason="x")
    for action in ("revoke", "reissue"):
        page = text_of(lead.get(f"/certificates/{gone.id}/{action}"))
        assert "no longer current" in page
        assert "Revoke the certificate" not in page and "Re-issue with a new code" not in page


# --- re-issue ------------------------------------------------------------------------------------


def test_the_reissue_page_says_what_will_happen_with_the_name_filled_in(lead, held):
    response = lead.get(f"/certificates/{held.id}/reissue")
    page = text_of(response)
    assert "Re-issue certificate 7K3QD-M9X2A-F4R8T?" in page
    assert "the old code 7K3QD-M9X2A-F4R8T then verifies as replaced by a newer certificate" in page
    assert 'value="Riley Chen"' in html_of(response)
    assert count(Certificate) == 1


def test_a_reissue_without_a_name_is_refused_beside_the_box(lead, held):
    response = post(lead, f"/certificates/{held.id}/reissue", {"holder_name": "  "})
    assert response.status_code == 400
    assert 'id="holder_name-error"' in html_of(response)
    assert "Enter the name as it should be printed." in text_of(response)
    assert count(Certificate) == 1


# --- void ----------------------------------------------------------------------------------------


@pytest.fixture
def approved(setup):  # noqa: F811
    _, supervisor, trainee = setup
    return make_entry(trainee, supervisor, "approved", minutes=90)


def test_the_void_page_says_what_will_happen_and_changes_nothing(lead, approved):
    page = text_of(lead.get(f"/lead/hours/{approved.id}/void?next=/lead/people/3"))
    assert "Void the sign-off of Riley Chen's hours?" in page
    assert "returns the entry to Riley Chen, who sees your reason" in page
    assert "stops these 1 h 30 min counting toward Riley Chen's certificate" in page
    assert "does not change a certificate already issued" in page
    assert "The mistake may not be Riley Chen's; they will read this." in page
    assert fetch(HoursEntry, approved.id).status == EntryStatus.APPROVED


def test_a_void_without_a_reason_is_refused_beside_the_box(lead, approved):
    response = post(lead, f"/lead/hours/{approved.id}/void", {"reason": " ", "next": "/lead"})
    assert response.status_code == 400
    assert 'id="reason-error"' in html_of(response)
    assert "Give the reason for voiding this sign-off" in text_of(response)
    assert fetch(HoursEntry, approved.id).status == EntryStatus.APPROVED


def test_voiding_brings_the_lead_back_to_the_persons_page(lead, setup, approved):  # noqa: F811
    back = f"/lead/people/{setup[2].id}?page=2#hours"
    done = post(lead, f"/lead/hours/{approved.id}/void", {"reason": "Wrong date.", "next": back})
    assert done.status_code == 302 and done.headers["Location"] == back
    assert fetch(HoursEntry, approved.id).status == EntryStatus.RETURNED


def test_voiding_twice_says_there_is_nothing_left_to_void(lead, approved):
    post(lead, f"/lead/hours/{approved.id}/void", {"reason": "Wrong date."})
    again = post(
        lead, f"/lead/hours/{approved.id}/void", {"reason": "Again."}, follow_redirects=True
    )
    assert "no sign-off in force" in text_of(again)


# --- every action: off-site next, roles ----------------------------------------------------------


@pytest.mark.parametrize("next_page", OFF_SITE)
def test_a_next_pointing_off_site_is_ignored(lead, setup, held, approved, next_page):  # noqa: F811
    trainee = setup[2]
    person = f"/lead/people/{trainee.id}"
    page = html_of(lead.get(f"/certificates/{held.id}/reissue", query_string={"next": next_page}))
    assert "evil.example" not in page
    done = post(lead, f"/lead/hours/{approved.id}/void", {"reason": "x", "next": next_page})
    assert done.headers["Location"] == f"/hours/{approved.id}"
    revoked = post(
        lead,
        f"/certificates/{held.id}/revoke",
        {"category": "error", "reason": "x", "next": next_page},
    )
    assert revoked.headers["Location"] == person


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.SUPERVISOR])
def test_only_leads_see_or_use_the_confirmations(app, setup, held, approved, role):  # noqa: F811
    trainee = setup[2]
    other = app.test_client()
    sign_in(other, trainee if role == Role.TRAINEE else setup[1])
    for url in (
        f"/lead/people/{trainee.id}/certificate",
        f"/certificates/{held.id}/revoke",
        f"/certificates/{held.id}/reissue",
        f"/lead/hours/{approved.id}/void",
    ):
        assert other.get(url).status_code == 403, url
        assert post(other, url, {"reason": "x", "category": "error"}).status_code == 403, url
    assert fetch(Certificate, held.id).revoked_at is None
    assert fetch(HoursEntry, approved.id).status == EntryStatus.APPROVED


def test_unknown_records_are_not_found(lead, setup):  # noqa: F811
    supervisor = setup[1]
    for url in (
        "/certificates/999999/revoke",
        "/certificates/999999/reissue",
        "/lead/hours/999999/void",
        "/lead/people/999999/certificate",
        f"/lead/people/{supervisor.id}/certificate",  # not a trainee
    ):
        assert lead.get(url).status_code == 404, url


# --- the pages that had the buttons now link to the confirmations -------------------------------


def test_the_persons_page_and_register_link_to_the_confirmations(app, lead, setup, held):  # noqa: F811
    _, supervisor, trainee = setup
    entry = make_entry(trainee, supervisor, "approved")
    person = html_of(lead.get(f"/lead/people/{trainee.id}"))
    here = f"/lead/people/{trainee.id}"
    assert f'href="/certificates/{held.id}/revoke?next={here}%23certificate-{held.id}"' in person
    assert f'href="/certificates/{held.id}/reissue?next={here}' in person
    assert f'href="/lead/hours/{entry.id}/void?next={here}%23hours"' in person
    assert 'action="/certificates/' not in person  # nothing posts straight away
    register = html_of(lead.get("/lead/certificates"))
    assert f'href="/certificates/{held.id}/revoke?next=/lead/certificates' in register
    detail = html_of(lead.get(f"/hours/{entry.id}"))
    assert f'href="/lead/hours/{entry.id}/void?next=/hours/{entry.id}"' in detail
    assert f'action="/lead/hours/{entry.id}/void"' not in detail


def test_the_eligible_trainees_page_links_to_the_issue_confirmation(app, lead, setup):  # noqa: F811
    _, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    person = html_of(lead.get(f"/lead/people/{trainee.id}"))
    issue = f'href="/lead/people/{trainee.id}/certificate?next=/lead/people/{trainee.id}"'
    assert issue in person
