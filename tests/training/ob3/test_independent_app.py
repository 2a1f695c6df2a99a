"""A standard verifier, not our code, accepts what the app issues: Digital Bazaar's
@digitalbazaar/vc (tests/ob3_independent.py) checks a certificate's credential with nothing but
the documents a visitor fetches from the app (the issuer, its keys, the status list). An altered
credential fails it; after a revocation or a re-issue the status list makes it fail."""

from __future__ import annotations

from tests.ob3_independent import independent_verify
from tests.training.ob3.credential_support import (
    credential_of,
    issue_through_the_app,
    published_documents,
    reissue_through_the_app,
    revoke_through_the_app,
)


def _verify(app, credential: dict) -> dict:
    return independent_verify(credential, published_documents(app, credential))


def test_the_credential_passes_an_independent_verifier_until_it_is_revoked(app, people):
    lead, _, trainee = people
    certificate = issue_through_the_app(app, lead, trainee)
    credential = credential_of(certificate.id)

    result = _verify(app, credential)
    assert result["verified"], result["errors"]
    assert result["statusResult"]["statuses"] == [
        {"verified": True, "status": False, "statusPurpose": "revocation"}
    ]

    revoke_through_the_app(app, lead, certificate.id)
    revoked = _verify(app, credential)
    assert not revoked["verified"]
    assert any("revoked" in error for error in revoked["errors"]), revoked["errors"]


def test_an_altered_field_fails_the_independent_verifier(app, people):
    lead, _, trainee = people
    credential = credential_of(issue_through_the_app(app, lead, trainee).id)
    credential["validUntil"] = "2099-12-31T23:59:59Z"
    result = _verify(app, credential)
    assert not result["verified"]
    assert any("signature" in error.lower() for error in result["errors"]), result["errors"]


def test_after_a_reissue_the_old_credential_fails_and_the_new_one_passes(app, people):
    lead, _, trainee = people
    old = issue_through_the_app(app, lead, trainee)
    new_id = reissue_through_the_app(app, lead, old.id, "Riley Chen-Park")
    assert not _verify(app, credential_of(old.id))["verified"]
    fresh = _verify(app, credential_of(new_id))
    assert fresh["verified"], fresh["errors"]
