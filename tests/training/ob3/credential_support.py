"""The portable-credential tests' shared pieces: a lead, a supervisor and an eligible trainee on
a small track; issuing through the app; and the documents a verifier fetches, taken from the
app's own public routes."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.helpers import assign, in_app, make_user, post, sign_in
from tests.training.certs.test_views import make_eligible, use_track
from training.extensions import db
from training.models import Certificate, OpenBadge, Role


def people_on_a_small_track(app, root) -> tuple:
    """(lead, supervisor, trainee): the trainee eligible for the track ``root`` holds."""
    use_track(app, root)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE, name="Riley Chen", email="riley@example.org")
    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor)
    return lead, supervisor, trainee


def issue_through_the_app(app, lead, trainee) -> Certificate:
    """A lead issues the trainee's certificate, as on the person's page."""
    client = app.test_client()
    sign_in(client, lead)
    response = post(client, f"/lead/people/{trainee.id}/certificate", follow_redirects=True)
    assert response.status_code == 200
    with in_app():
        certificate = db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == trainee.id)
            .order_by(Certificate.id.desc())
        ).first()
        assert certificate is not None, "no certificate was issued"
        db.session.expunge(certificate)
    return certificate


def revoke_through_the_app(app, lead, certificate_id: int) -> None:
    """A lead revokes the certificate (issued in error), as on its page."""
    client = app.test_client()
    sign_in(client, lead)
    post(
        client,
        f"/certificates/{certificate_id}/revoke",
        {"category": "error", "reason": "Issued to the wrong person."},
    )
    with in_app():
        assert db.session.get(Certificate, certificate_id).revoked_at is not None, "not revoked"


def reissue_through_the_app(app, lead, certificate_id: int, holder_name: str) -> int:
    """A lead re-issues the certificate under ``holder_name``, as on its page; the new
    certificate's id."""
    client = app.test_client()
    sign_in(client, lead)
    post(client, f"/certificates/{certificate_id}/reissue", {"holder_name": holder_name})
    with in_app():
        new_id = db.session.get(Certificate, certificate_id).replaced_by_id
    assert new_id is not None, "not re-issued"
    return new_id


def badges_of(certificate_id: int) -> list[OpenBadge]:
    with in_app():
        rows = list(
            db.session.scalars(
                select(OpenBadge)
                .where(OpenBadge.certificate_id == certificate_id)
                .order_by(OpenBadge.id)
            )
        )
        db.session.expunge_all()
    return rows


def credential_of(certificate_id: int) -> dict:
    (badge,) = [b for b in badges_of(certificate_id) if b.subject_did is None]
    return json.loads(badge.credential)


def published_documents(app, credential: dict) -> dict[str, dict]:
    """What a verifier fetches for ``credential``, fetched from the app by a visitor: the
    issuer document, every key it lists, and the status list the credential names."""
    visitor = app.test_client()
    issuer_url = credential["issuer"]["id"]
    documents = {issuer_url: _get_json(visitor, issuer_url)}
    for method in documents[issuer_url]["verificationMethod"]:
        documents[method["id"]] = _get_json(visitor, method["id"])
    list_url = credential["credentialStatus"]["statusListCredential"]
    documents[list_url] = _get_json(visitor, list_url)
    return documents


def _get_json(client, url: str) -> dict:
    base = "http://127.0.0.1:5000"
    assert url.startswith(base + "/"), url
    response = client.get(url.removeprefix(base))
    assert response.status_code == 200, (url, response.status_code)
    return response.json
