"""The revocation status list at /credentials/status/<n>: signed, one bit per credential, set the
moment its certificate is revoked or replaced; signed again only when a bit (or the key)
changed; cacheable for a minute, with an ETag, by any site."""

from __future__ import annotations

import pytest

from certificates.ob3 import proof, status_list
from tests.helpers import in_app, make_certificate, make_user, post, sign_in
from tests.training.ob3.credential_support import (
    credential_of,
    issue_through_the_app,
)
from training.models import Role
from training.ob3 import signing_keys, status

LIST = "/credentials/status/1"


def _index(credential: dict) -> int:
    return int(credential["credentialStatus"]["statusListIndex"])


def _revoke(app, lead, certificate_id: int) -> None:
    client = app.test_client()
    sign_in(client, lead)
    post(
        client,
        f"/certificates/{certificate_id}/revoke",
        {"category": "request", "reason": "The holder asked."},
    )


def test_the_list_is_signed_and_a_revocation_shows_at_once(app, people):
    lead, _, trainee = people
    certificate = issue_through_the_app(app, lead, trainee)
    index = _index(credential_of(certificate.id))
    visitor = app.test_client()

    before = visitor.get(LIST).json
    assert before["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert before["credentialSubject"]["statusPurpose"] == "revocation"
    assert not status_list.is_set(before["credentialSubject"]["encodedList"], index)
    with in_app():
        proof.verify(before, signing_keys.public_keys()[before["proof"]["verificationMethod"]])

    _revoke(app, lead, certificate.id)
    after = visitor.get(LIST).json
    assert status_list.is_set(after["credentialSubject"]["encodedList"], index)
    with in_app():
        proof.verify(after, signing_keys.public_keys()[after["proof"]["verificationMethod"]])


def test_the_list_hides_each_holder_among_many(app):
    encoded = app.test_client().get(LIST).json["credentialSubject"]["encodedList"]
    assert len(status_list.decode(encoded)) * 8 == 131_072


def test_an_unchanged_list_is_not_signed_again(app, monkeypatch):
    signed = []
    real_sign = proof.sign

    def counting_sign(*args, **kwargs):
        signed.append(1)
        return real_sign(*args, **kwargs)

    monkeypatch.setattr(proof, "sign", counting_sign)
    visitor = app.test_client()
    first, second = visitor.get(LIST), visitor.get(LIST)
    assert first.data == second.data
    assert len(signed) == 1
    # a new credential whose certificate is current changes no bit: still not signed again
    with in_app():
        from training.extensions import db
        from training.models import Certificate
        from training.ob3 import credentials

        certificate = make_certificate(make_user(Role.TRAINEE))
        credentials.credential_for(db.session.get(Certificate, certificate.id))
    signed.clear()
    assert visitor.get(LIST).data == first.data
    assert signed == []


def test_caching_headers_let_verifiers_ask_cheaply(app):
    visitor = app.test_client()
    response = visitor.get(LIST)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    again = visitor.get(LIST, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("list_id", [0, 2, 99])
def test_a_list_that_does_not_exist_is_not_found(app, list_id):
    assert app.test_client().get(f"/credentials/status/{list_id}").status_code == 404


def test_only_our_lists_are_read_from_the_database(app):
    with in_app():
        assert status.revoked("https://elsewhere.example/credentials/status/1", 5) is None
        assert status.revoked("http://127.0.0.1:5000/credentials/status/2", 5) is None
        assert status.revoked("http://127.0.0.1:5000/credentials/status/1", 5) is False


def test_the_lists_etag_is_weak_as_each_server_signs_its_own_copy(app):
    """Two servers sign the same bits at different moments (other bytes, same list): the tag
    says "the same list", not "the same bytes", and a verifier's copy from either is fresh."""
    visitor = app.test_client()
    etag = visitor.get(LIST).headers["ETag"]
    assert etag.startswith('W/"'), etag
    app.extensions.pop(status.CACHE)  # as another server: the same bits signed again
    other = visitor.get(LIST)
    assert other.headers["ETag"] == etag
    assert visitor.get(LIST, headers={"If-None-Match": etag}).status_code == 304
    assert visitor.get(LIST, headers={"If-None-Match": etag[2:]}).status_code == 304
