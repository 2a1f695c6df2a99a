"""The check that refuses a retired or revoked key, and what operators see of it: `flask db
upgrade` and `flask keys list` say so (the same words as everywhere), `keys rotate` is the way
out, and an app server still holding a key another process rotated out picks up the new one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from certificates import signing
from tests.helpers import app_config, app_with_database, in_app, save
from tests.training.ob3.credential_support import (
    credential_of,
    issue_through_the_app,
    people_on_a_small_track,
)
from training import create_app
from training.certs import keys
from training.extensions import db
from training.models import SigningKey
from training.ob3 import signing_keys

WHAT_TO_DO = "run `flask --app wsgi keys rotate` to make a new one"
RETIRED_ON = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _public(pem: bytes) -> bytes:
    return signing.public_key_pem(signing.load_private_key(pem))


def _key_id(pem: bytes) -> str:
    return signing.key_id(_public(pem))


def _row(pem: bytes, **dates: datetime) -> SigningKey:
    return SigningKey(key_id=_key_id(pem), public_pem=_public(pem).decode(), **dates)


@pytest.mark.parametrize(
    ("dates", "said"),
    [
        ({"retired_at": RETIRED_ON}, "was retired on 2026-03-02"),
        ({"retired_at": RETIRED_ON, "revoked_at": RETIRED_ON}, "was revoked on 2026-03-02"),
    ],
)
def test_the_check_refuses_a_key_the_database_knows_as_out_of_service(dates, said):
    configured, in_service = signing.new_private_key_pem(), signing.new_private_key_pem()
    with app_with_database(CERTIFICATE_SIGNING_KEY=configured.decode()):
        save(_row(configured, **dates), _row(in_service))
        with in_app():
            with pytest.raises(signing_keys.KeyOutOfService) as refused:
                signing_keys.current()
            message = str(refused.value)
            assert f"key {_key_id(configured)} {said}" in message
            assert f"The key in service is {_key_id(in_service)}" in message
            assert WHAT_TO_DO in message
            # one kind of error for "nothing can sign", which every caller already handles
            assert isinstance(refused.value, keys.NoSigningKey)
            db.session.rollback()
            rows = {row.key_id: row for row in db.session.scalars(select(SigningKey))}
            assert rows[_key_id(in_service)].retired_at is None  # nothing changed
            assert rows[_key_id(configured)].retired_at is not None


def test_the_check_lets_the_key_in_service_and_a_new_key_sign():
    pem = signing.new_private_key_pem()
    with app_with_database(CERTIFICATE_SIGNING_KEY=pem.decode()) as app:
        save(_row(pem))
        with in_app():
            assert signing_keys.current()[0] == _key_id(pem)
        app.config["CERTIFICATE_SIGNING_KEY"] = (new := signing.new_private_key_pem()).decode()
        keys.forget(app)
        with in_app():
            assert signing_keys.current()[0] == _key_id(new)  # registered: it retires the other
            db.session.commit()
            retired = db.session.scalar(
                select(SigningKey.retired_at).where(SigningKey.key_id == _key_id(pem))
            )
            assert retired is not None


def test_keys_list_says_the_configured_key_is_refused():
    configured, in_service = signing.new_private_key_pem(), signing.new_private_key_pem()
    with app_with_database(CERTIFICATE_SIGNING_KEY=configured.decode()) as app:
        save(_row(configured, retired_at=RETIRED_ON), _row(in_service))
        listed = app.test_cli_runner().invoke(args=["keys", "list"])
    assert listed.exit_code == 0, listed.output
    assert f"key {_key_id(configured)} was retired on 2026-03-02" in listed.stderr
    assert WHAT_TO_DO in listed.stderr
    (line,) = [row for row in listed.stdout.splitlines() if row.startswith(_key_id(configured))]
    assert "signs now" not in line and "configured, refused" in line


def test_migrating_the_database_says_the_configured_key_is_refused(tmp_path):
    old, new = signing.new_private_key_pem(), signing.new_private_key_pem()
    config = app_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/site.db")
    first = create_app({**config, "CERTIFICATE_SIGNING_KEY": old.decode()})
    assert first.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    second = create_app({**config, "CERTIFICATE_SIGNING_KEY": new.decode()})
    assert second.test_cli_runner().invoke(args=["keys", "list"]).exit_code == 0  # old retired
    # the old key deployed again (a backup of the settings)
    again = create_app({**config, "CERTIFICATE_SIGNING_KEY": old.decode()})
    upgraded = again.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output  # the schema is up to date: that worked
    with again.app_context():  # the day recorded (the test may have crossed midnight)
        retired = db.session.scalar(
            select(SigningKey.retired_at).where(SigningKey.key_id == _key_id(old))
        )
    assert f"key {_key_id(old)} was retired on {retired:%Y-%m-%d}" in upgraded.stderr
    assert f"The key in service is {_key_id(new)}" in upgraded.stderr
    assert WHAT_TO_DO in upgraded.stderr
    for app in (first, second, again):
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def site(tmp_path):
    key_file = tmp_path / "keys" / "signing.pem"
    key_file.parent.mkdir()
    key_file.write_bytes(signing.new_private_key_pem())
    key_file.chmod(0o600)
    with app_with_database(CERTIFICATE_SIGNING_KEY_FILE=str(key_file)) as app:
        yield app, key_file, people_on_a_small_track(app, tmp_path / "content")


def test_rotating_is_the_way_out_of_a_restored_key(site):
    app, key_file, (lead, _, trainee) = site
    old_pem = key_file.read_bytes()
    runner = app.test_cli_runner()
    runner.invoke(args=["keys", "list"])  # registered
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    key_file.write_bytes(old_pem)  # the backup restored
    keys.forget(app)

    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    assert f"held key {_key_id(old_pem)}, which was retired already" in rotated.output
    new_key = _key_id(key_file.read_bytes())
    credential = credential_of(issue_through_the_app(app, lead, trainee).id)
    assert credential["proof"]["verificationMethod"].endswith(f"/issuer/keys/{new_key}")


def test_a_server_still_holding_a_key_rotated_out_reads_the_key_file_again(site):
    """Another process (``keys rotate``, another worker) rotated the key file: this app server
    still has the old key loaded, which is retired now; it signs with the file's new key."""
    app, key_file, (lead, _, trainee) = site
    with app.app_context():
        signing_keys.current()  # the old key loaded, and registered
        db.session.commit()
    new_pem = signing.new_private_key_pem()
    key_file.write_bytes(new_pem)
    with app.app_context():  # what the other process did
        signing_keys.register(_key_id(new_pem), _public(new_pem), how="flask keys rotate")
        db.session.commit()

    credential = credential_of(issue_through_the_app(app, lead, trainee).id)
    assert credential["proof"]["verificationMethod"].endswith(f"/issuer/keys/{_key_id(new_pem)}")
