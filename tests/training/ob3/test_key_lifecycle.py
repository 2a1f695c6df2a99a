"""The signing key's life as an operator sees it: the key in service is published as soon as
the database is migrated or the keys are listed (not only when it first signs, so a key swapped
out before anything signed still verifies what it signed before), and a compromised retired key
is revoked: no verifier, ours or an independent one, accepts what it signed any more."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from certificates import signing
from certificates.ob3 import checking
from tests.helpers import app_config, app_with_database, in_app
from tests.ob3_independent import independent_verify
from tests.training.ob3.credential_support import (
    credential_of,
    issue_through_the_app,
    people_on_a_small_track,
    published_documents,
)
from training import create_app
from training.extensions import db
from training.models import AuditEvent, SigningKey
from training.ob3 import signing_keys, status


def _key_id(pem: bytes) -> str:
    return signing.key_id(signing.public_key_pem(signing.load_private_key(pem)))


def _registered() -> list[str]:
    with in_app():
        return list(db.session.scalars(select(SigningKey.key_id).order_by(SigningKey.id)))


def test_migrating_the_database_publishes_the_key_in_service(tmp_path):
    pem = signing.new_private_key_pem()
    database = f"sqlite:///{tmp_path}/fresh.db"
    app = create_app(
        app_config(SQLALCHEMY_DATABASE_URI=database, CERTIFICATE_SIGNING_KEY=pem.decode())
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert list(db.session.scalars(select(SigningKey.key_id))) == [_key_id(pem)]
        # the operator swaps the key before anything signs: the old one stays published
        app.config["CERTIFICATE_SIGNING_KEY"] = signing.new_private_key_pem().decode()
        app.extensions.pop("certificate_key", None)
        assert signing_keys.find(_key_id(pem)) is not None
    assert app.test_client().get(f"/issuer/keys/{_key_id(pem)}").status_code == 200


def test_listing_the_keys_publishes_the_key_in_service(app):
    listed = app.test_cli_runner().invoke(args=["keys", "list"])
    assert listed.exit_code == 0, listed.output
    with in_app():
        current = signing_keys.current_key_id()
    assert _registered() == [current]
    assert current in listed.output and "(signs now)" in listed.output


@pytest.fixture
def rotated(tmp_path):
    """A certificate signed with a key that was then rotated out (key file, as in production)."""
    key_file = tmp_path / "keys" / "signing.pem"
    key_file.parent.mkdir()
    key_file.write_bytes(signing.new_private_key_pem())
    key_file.chmod(0o600)
    old_key = _key_id(key_file.read_bytes())
    with app_with_database(CERTIFICATE_SIGNING_KEY_FILE=str(key_file)) as app:
        lead, _, trainee = people_on_a_small_track(app, tmp_path / "content")
        credential = credential_of(issue_through_the_app(app, lead, trainee).id)
        rotation = app.test_cli_runner().invoke(args=["keys", "rotate"])
        assert rotation.exit_code == 0, rotation.output
        yield app, old_key, _key_id(key_file.read_bytes()), credential


def _our_check(credential: dict) -> checking.Outcome:
    with in_app():
        return checking.check_credential(
            credential,
            issuer_id="http://127.0.0.1:5000/issuer",
            public_keys=signing_keys.public_keys(),
            revoked=status.revoked,
            now=datetime.now(UTC),
        )


def test_a_revoked_key_is_no_longer_trusted_by_anyone(rotated):
    app, old_key, new_key, credential = rotated
    assert _our_check(credential).ok
    assert independent_verify(credential, published_documents(app, credential))["verified"]

    result = app.test_cli_runner().invoke(args=["keys", "revoke", old_key])
    assert result.exit_code == 0, result.output
    assert f"Revoked key {old_key}" in result.output

    visitor = app.test_client()
    issuer = visitor.get("/issuer").json
    assert issuer["assertionMethod"] == [f"http://127.0.0.1:5000/issuer/keys/{new_key}"]
    assert "revoked" in visitor.get(f"/issuer/keys/{old_key}").json
    failed = [check for check in _our_check(credential).checks if not check.ok]
    assert len(failed) == 1 and "sign" in failed[0].name.lower(), failed
    verdict = independent_verify(credential, published_documents(app, credential))
    assert not verdict["verified"], verdict
    with in_app():
        (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "key revoked"))
        assert old_key in event.comment
    listed = app.test_cli_runner().invoke(args=["keys", "list"])
    (line,) = [line for line in listed.output.splitlines() if line.startswith(old_key)]
    assert "revoked" in line


def test_the_key_in_use_is_not_revoked_the_operator_is_told_to_rotate_first(rotated):
    app, _, new_key, credential = rotated
    refused = app.test_cli_runner().invoke(args=["keys", "revoke", new_key])
    assert refused.exit_code == 1
    assert "signs now" in refused.output and "flask --app wsgi keys rotate" in refused.output
    unknown = app.test_cli_runner().invoke(args=["keys", "revoke", "0123456789abcdef"])
    assert unknown.exit_code == 1 and "No key 0123456789abcdef" in unknown.output
    with in_app():
        assert all(row.revoked_at is None for row in db.session.scalars(select(SigningKey)))
    assert _our_check(credential).ok
