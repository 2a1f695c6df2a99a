"""The issue's finish line, on the demo program as `scripts/demo` loads it: the demo holder
downloads their credential from their share page, an independent verifier (Digital Bazaar's,
not our code) accepts it with nothing but what a visitor can fetch from the site, and once a
lead revokes the certificate through the site the same file fails that verifier. The demo's
revoked certificate (Casey's) fails it from the start."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.helpers import in_app, post, sign_in
from tests.ob3_independent import independent_verify
from tests.training.ob3.credential_support import credential_of, published_documents
from training.extensions import db
from training.models import Certificate, User

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(app):
    with app.app_context():
        from training.demo import load_demo

        load_demo()
    return app


def _person(email: str) -> tuple[User, Certificate]:
    with in_app():
        user = db.session.scalar(select(User).where(User.email == email))
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
        )
        db.session.expunge_all()
    return user, certificate


def _verify(app, credential: dict) -> dict:
    return independent_verify(credential, published_documents(app, credential))


def test_the_demo_holders_credential_passes_until_a_lead_revokes_it(demo):
    taylor, certificate = _person("taylor@example.org")
    holder = demo.test_client()
    sign_in(holder, taylor)
    assert "Share" in holder.get("/certificate/").get_data(as_text=True)
    download = holder.get(f"/certificates/{certificate.id}/credential.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    credential = json.loads(download.get_data())
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["name"] == taylor.name

    passed = _verify(demo, credential)
    assert passed["verified"], passed["errors"]

    lead, _ = _person("lead@example.org")
    desk = demo.test_client()
    sign_in(desk, lead)
    revoked = post(
        desk,
        f"/certificates/{certificate.id}/revoke",
        {"category": "error", "reason": "Issued to the wrong person."},
    )
    assert revoked.status_code in (200, 302, 303)
    failed = _verify(demo, credential)
    assert not failed["verified"]
    assert any("revoked" in error for error in failed["errors"]), failed["errors"]


def test_the_demos_revoked_certificate_fails_from_the_start(demo):
    _, certificate = _person("casey@example.org")
    assert certificate.revoked_at is not None
    result = _verify(demo, credential_of(certificate.id))
    assert not result["verified"]
    assert any("revoked" in error for error in result["errors"]), result["errors"]
