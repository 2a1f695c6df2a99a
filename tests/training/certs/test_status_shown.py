"""A revoked, replaced or expired certificate looks like what it is on every page that shows
it: the status comes first, "valid until" is said only of a valid one, and no PDF of a revoked
or replaced certificate is handed out."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import count, fetch, in_app, make_user, post, save, sign_in, text_of
from tests.training.certs.test_views import (
    ETHICS,
    issue,
    make_eligible,
    only_certificate,
    use_track,
)
from training.extensions import db
from training.models import Certificate, Cohort, Role, User


@pytest.fixture
def revoked(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    cert = only_certificate()
    post(client, f"/certificates/{cert.id}/revoke", {"category": "misconduct", "reason": "x"})
    return lead, trainee, fetch(Certificate, cert.id)


def _before(page: str, first: str, then: str) -> bool:
    return first in page and then in page and page.index(first) < page.index(then)


def test_the_verification_page_puts_the_status_first_and_never_says_valid_until(app, revoked):
    _, _, cert = revoked
    page = text_of(app.test_client().get(f"/verify/{cert.code}"))
    assert _before(page, "Revoked", "Holder")
    assert "Valid until" not in page and "valid until" not in page
    assert f"Revoked on {cert.revoked_at:%-d %B %Y}" in page


def test_replaced_and_expired_certificates_never_say_valid_until(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    old = only_certificate()
    post(client, f"/certificates/{old.id}/reissue", {"holder_name": "Riley Chen-Okafor"})
    page = text_of(app.test_client().get(f"/verify/{old.code}"))
    assert _before(page, "Replaced by a newer certificate", "Holder")
    assert "Valid until" not in page and "Replaced on" in page
    with in_app():
        new = db.session.scalars(select(Certificate).where(Certificate.id != old.id)).one()
        new.expires_on = datetime.now(UTC).date() - timedelta(days=1)
        db.session.commit()
        code = new.code
    page = text_of(app.test_client().get(f"/verify/{code}"))
    assert _before(page, "Expired", "Holder")
    assert "Valid until" not in page and "Expired on" in page


def test_a_revoked_holders_own_page_says_revoked_and_what_to_do(client, revoked):
    _, trainee, cert = revoked
    sign_in(client, trainee)
    page = text_of(client.get("/certificate/"))
    assert page.index("Your certificate was revoked on") < page.index("Your certificates")
    assert f"revoked on {cert.revoked_at:%-d %B %Y}" in page
    assert "contact your program lead" in page
    assert "You meet every requirement" not in page and "will issue" not in page
    assert "Download PDF" not in page and "no longer available" in page


def test_a_revoked_holders_dashboard_says_revoked_not_revoked_until(client, revoked):
    _, trainee, cert = revoked
    sign_in(client, trainee)
    page = text_of(client.get("/learn/"))
    assert f"certificate was revoked on {cert.revoked_at:%-d %B %Y}" in page
    assert "until" not in page and "You meet them all" not in page


def test_lead_pages_show_the_status_first_and_no_revoked_until(client, revoked):
    lead, trainee, cert = revoked
    cohort = Cohort(name="Spring", start_date=date(2026, 1, 5), track_id="peer-recovery")
    save(cohort)
    with in_app():
        db.session.get(User, trainee.id).cohort_id = cohort.id
        db.session.commit()
    sign_in(client, lead)
    for url in (f"/lead/cohorts/{cohort.id}", f"/lead/people/{trainee.id}", "/lead/certificates"):
        page = text_of(client.get(url))
        assert "Revoked" in page, url
        assert not re.search(r"Revoked until|revoked.{0,40}valid until", page), url
    person = text_of(client.get(f"/lead/people/{trainee.id}"))
    assert _before(person, "Revoked", cert.code[:5])


def test_pdfs_of_revoked_and_replaced_certificates_are_withheld_with_the_reason(
    app, client, revoked
):
    lead, trainee, cert = revoked
    for who in (trainee, lead):
        sign_in(client, who)
        response = client.get(f"/certificates/{cert.id}.pdf")
        assert response.status_code == 410 and response.mimetype == "text/html"
        page = text_of(response)
        assert f"was revoked on {cert.revoked_at:%-d %B %Y}" in page
        assert "contact your program lead" in page


def test_the_pdf_of_a_replaced_certificate_points_to_the_new_one(app, client, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    old = only_certificate()
    post(client, f"/certificates/{old.id}/reissue", {"holder_name": "Riley Chen-Okafor"})
    response = client.get(f"/certificates/{old.id}.pdf")
    assert response.status_code == 410 and "replaced by a newer certificate" in text_of(response)
    with in_app():
        new_id = db.session.scalar(select(Certificate.id).where(Certificate.id != old.id))
    response = client.get(f"/certificates/{new_id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_automatic_issue_never_certifies_a_revoked_holder_again(app, client, tmp_path):
    use_track(app, tmp_path, auto=True)
    lead = make_user(Role.LEAD)
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user(Role.TRAINEE)
    from tests.helpers import assign

    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor, sign=False)
    sign_in(client, trainee)
    post(client, ETHICS, {"agree": "y", "name": trainee.name})  # completes the record: issued
    cert = only_certificate()
    sign_in(client, lead)
    post(client, f"/certificates/{cert.id}/revoke", {"category": "misconduct", "reason": "x"})
    sign_in(client, trainee)
    post(client, ETHICS, {"agree": "y", "name": trainee.name})  # anything that would auto-issue
    assert count(Certificate) == 1


def test_status_sentences_read_as_plain_english_with_days_unpadded(app, client, setup):
    """ "Your certificate is expired 01 June 2025" read badly: each status is its own sentence,
    and days have no leading zero, like every other date the platform writes in words."""
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    cert = only_certificate()
    with in_app():
        db.session.get(Certificate, cert.id).expires_on = date(2025, 6, 1)
        db.session.commit()
    sign_in(client, trainee)
    page = text_of(client.get("/certificate/"))
    assert "Your certificate expired on 1 June 2025." in page
    assert "Expired on 1 June 2025 · issued" in page  # the list of their certificates
    assert "is expired" not in page and "01 June" not in page
    verification = text_of(app.test_client().get(f"/verify/{cert.code}"))
    assert "genuine but expired on 1 June 2025" in verification
    assert "Expired on 1 June 2025" in verification
    sign_in(client, lead)
    assert "expired on 1 Jun 2025" in text_of(client.get(f"/lead/people/{trainee.id}"))


def test_a_valid_certificate_says_valid_until(client, app, setup):
    lead, supervisor, trainee = setup
    make_eligible(app, trainee, supervisor)
    issue(client, lead, trainee)
    cert = only_certificate()
    sign_in(client, trainee)
    until = f"{cert.expires_on.day} {cert.expires_on:%B %Y}"
    assert f"Your certificate is valid until {until}." in text_of(client.get("/certificate/"))
