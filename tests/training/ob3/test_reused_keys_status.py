"""A server that signed the status list, and kept it, stops serving it once another process
rotated its key and revoked it (an operator's answer to a leaked key): the next request signs
the list again with the key in service, so verifiers keep trusting every credential's status."""

from __future__ import annotations

from sqlalchemy import update

from certificates import signing
from certificates.ob3 import proof
from tests.helpers import app_with_database, in_app
from training.columns import utcnow
from training.extensions import db
from training.models import SigningKey
from training.ob3 import signing_keys

LIST = "/credentials/status/1"


def _key_id(pem: bytes) -> str:
    return signing.key_id(signing.public_key_pem(signing.load_private_key(pem)))


def _rotate_and_revoke_elsewhere(key_file, old_key_id: str) -> str:
    """What `keys rotate` then `keys revoke` do, run by another process: the new key file
    written and registered, the old key retired and revoked; nothing of this app's memory
    touched (it still holds the old key, and the list it signed). The new key's id."""
    new_pem = signing.new_private_key_pem()
    new_key_id = _key_id(new_pem)
    spare = key_file.with_name("signing.pem.new")
    spare.write_bytes(new_pem)
    spare.chmod(0o600)
    spare.replace(key_file)
    with in_app():
        now = utcnow()
        db.session.add(
            SigningKey(
                key_id=new_key_id,
                public_pem=signing.public_key_pem(signing.load_private_key(new_pem)).decode(),
                created_at=now,
            )
        )
        db.session.execute(
            update(SigningKey)
            .where(SigningKey.key_id == old_key_id)
            .values(retired_at=now, revoked_at=now)
        )
        db.session.commit()
    return new_key_id


def test_a_kept_list_signed_by_a_key_revoked_elsewhere_is_signed_again(tmp_path):
    key_file = tmp_path / "keys" / "signing.pem"
    key_file.parent.mkdir()
    old_pem = signing.new_private_key_pem()
    key_file.write_bytes(old_pem)
    key_file.chmod(0o600)
    old_key_id = _key_id(old_pem)
    with app_with_database(CERTIFICATE_SIGNING_KEY_FILE=str(key_file)) as app:
        visitor = app.test_client()
        before = visitor.get(LIST)
        assert before.status_code == 200
        assert before.json["proof"]["verificationMethod"].endswith(old_key_id)  # and kept

        new_key_id = _rotate_and_revoke_elsewhere(key_file, old_key_id)

        after = visitor.get(LIST)
        assert after.status_code == 200
        method = after.json["proof"]["verificationMethod"]
        assert old_key_id not in method and method.endswith(new_key_id)
        with in_app():  # a verifier, which trusts no revoked key, accepts it
            trusted = signing_keys.public_keys()
            assert method in trusted
            proof.verify(after.json, trusted[method])
        assert visitor.get(LIST).json == after.json  # the new one is kept in turn
