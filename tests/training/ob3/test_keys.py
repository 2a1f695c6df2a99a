"""The signing keys as verifiers see them: the key in service is registered the first time it
signs (once, however often it signs), and every key registered stays published."""

from __future__ import annotations

from sqlalchemy import select

from certificates import signing
from tests.helpers import count, in_app, make_certificate, make_user
from training.extensions import db
from training.models import Certificate, Role, SigningKey
from training.ob3 import credentials, signing_keys


def _credential_for_a_new_certificate() -> None:
    holder = make_user(Role.TRAINEE)
    certificate = make_certificate(holder, code=f"KEYS{holder.id:011d}")
    with in_app():
        credentials.credential_for(db.session.get(Certificate, certificate.id))


def test_reading_the_issuer_registers_nothing_but_shows_the_key_in_service(app):
    issuer = app.test_client().get("/issuer").json
    with in_app():
        key_id = signing_keys.current_key_id()
    assert [m["id"] for m in issuer["verificationMethod"]] == [
        f"http://127.0.0.1:5000/issuer/keys/{key_id}"
    ]
    assert count(SigningKey) == 0


def test_the_key_in_service_is_registered_once_when_it_signs(app):
    _credential_for_a_new_certificate()
    _credential_for_a_new_certificate()
    with in_app():
        (row,) = db.session.scalars(select(SigningKey)).all()
        assert row.key_id == signing_keys.current_key_id()
        assert row.retired_at is None
        assert signing.key_id(row.public_pem.encode()) == row.key_id


def test_a_retired_key_stays_published_at_every_address(app):
    _credential_for_a_new_certificate()
    with in_app():
        old_key = signing_keys.current_key_id()
    app.config["CERTIFICATE_SIGNING_KEY"] = signing.new_private_key_pem().decode()
    app.extensions.pop("certificate_key", None)
    _credential_for_a_new_certificate()
    visitor = app.test_client()
    assert visitor.get(f"/issuer/keys/{old_key}").status_code == 200
    assert visitor.get(f"/verify/keys/{old_key}.pem").status_code == 200
    listed = [m["id"] for m in visitor.get("/issuer").json["verificationMethod"]]
    assert listed[0].endswith(old_key) and len(listed) == 2
    assert visitor.get("/issuer").json["assertionMethod"] == listed
