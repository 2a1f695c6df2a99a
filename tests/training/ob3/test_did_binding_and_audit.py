"""A credential made after its certificate was issued is on record (who asked, when): the one
made when a certificate issued before credentials is first shared, and each one a holder binds
to a DID. A DID is taken on the holder's word, so the page says so plainly and a certificate has
only a few DID-bound credentials."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import count, in_app, make_certificate, make_user, post, text_of
from tests.training.ob3.sharing_support import issue_certificate, signed_in
from training.extensions import db
from training.models import AuditEvent, OpenBadge, Role
from training.ob3.credentials import DIDS_PER_CERTIFICATE

DIDS = [f"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do{c}" for c in "KLMNP"]


@pytest.fixture
def issued(app, tmp_path):
    return issue_certificate(app, tmp_path)


def _events(action: str) -> list[AuditEvent]:
    with in_app():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
    return events


def test_binding_a_did_is_on_record_with_who_bound_it(app, issued):
    client = signed_in(app, issued.trainee)
    share = f"/certificates/{issued.certificate_id}/share"
    assert post(client, f"{share}/did", {"did": DIDS[0]}).status_code == 303
    (event,) = _events("credential bound to a DID")
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        issued.trainee.id,
        "certificate",
        issued.certificate_id,
    )
    assert DIDS[0] in event.comment
    post(client, f"{share}/did", {"did": DIDS[0]})  # the same DID again: nothing new is made
    assert len(_events("credential bound to a DID")) == 1
    assert _events("credential made") == []  # the email-bound one came with the certificate


def test_a_credential_made_when_first_shared_is_on_record(app):
    lead = make_user(Role.LEAD)
    holder = make_user(Role.TRAINEE)
    certificate = make_certificate(holder)  # issued before credentials were
    page = signed_in(app, lead).get(f"/certificates/{certificate.id}/share")
    assert page.status_code == 200
    (event,) = _events("credential made")
    assert (event.actor_id, event.subject_id) == (lead.id, certificate.id)
    signed_in(app, holder).get(f"/certificates/{certificate.id}/share")
    assert len(_events("credential made")) == 1  # handed out again, not made again


def test_a_certificate_has_a_few_did_bound_credentials_at_most(app, issued):
    client = signed_in(app, issued.trainee)
    share = f"/certificates/{issued.certificate_id}/share"
    for did in DIDS[:DIDS_PER_CERTIFICATE]:
        assert post(client, f"{share}/did", {"did": did}).status_code == 303
    refused = post(client, f"{share}/did", {"did": DIDS[DIDS_PER_CERTIFICATE]})
    assert refused.status_code == 400
    assert f"credentials for {DIDS_PER_CERTIFICATE} DIDs already" in text_of(refused)
    with in_app():
        bound = db.session.scalars(
            select(OpenBadge.subject_did).where(OpenBadge.subject_did.is_not(None))
        ).all()
    assert sorted(bound) == sorted(DIDS[:DIDS_PER_CERTIFICATE])
    # one bound before is still handed out
    assert post(client, f"{share}/did", {"did": DIDS[0]}).status_code == 303
    assert count(OpenBadge) == DIDS_PER_CERTIFICATE + 1


def test_the_page_says_the_did_is_not_checked_to_be_theirs(app, issued):
    page = text_of(
        signed_in(app, issued.trainee).get(f"/certificates/{issued.certificate_id}/share")
    )
    assert "It does not check that the DID belongs to you or your wallet." in page
    assert "asks your wallet to prove it" in page
    assert "can prove is its own" not in page
    assert f"up to {DIDS_PER_CERTIFICATE} DIDs" in page
