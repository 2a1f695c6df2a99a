"""Key rotation: ``flask --app wsgi keys rotate`` makes a new key sign from now on; the old one
stays published, so a credential or certificate signed before the rotation keeps verifying,
with the independent verifier too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from certificates import signing
from certificates.codes import format_code
from certificates.verify import check
from tests.helpers import app_with_database, assign, in_app, make_user, sign_in, text_of
from tests.ob3_independent import independent_verify
from tests.training.certs.test_views import make_eligible, use_track
from tests.training.ob3.credential_support import (
    credential_of,
    issue_through_the_app,
    published_documents,
)
from training.extensions import db
from training.models import AuditEvent, Role, SigningKey
from training.ob3 import signing_keys


@pytest.fixture
def site(tmp_path):
    """The app with its key in a key file, as in production; a lead and two eligible trainees."""
    key_file = tmp_path / "keys" / "signing.pem"
    key_file.parent.mkdir()
    key_file.write_bytes(signing.new_private_key_pem())
    key_file.chmod(0o600)
    with app_with_database(CERTIFICATE_SIGNING_KEY_FILE=str(key_file)) as app:
        use_track(app, tmp_path / "content")
        lead = make_user(Role.LEAD)
        supervisor = make_user(Role.SUPERVISOR)
        trainees = []
        for name in ("Riley Chen", "Dana Ortiz"):
            trainee = make_user(Role.TRAINEE, name=name)
            assign(trainee, supervisor)
            make_eligible(app, trainee, supervisor)
            trainees.append(trainee)
        yield app, key_file, lead, trainees


def _key_id_of(pem_file) -> str:
    return signing.key_id(signing.public_key_pem(signing.load_private_key(pem_file.read_bytes())))


def test_a_credential_signed_before_a_rotation_still_verifies(site):
    app, key_file, lead, (first, second) = site
    old_key = _key_id_of(key_file)
    before = issue_through_the_app(app, lead, first)
    old_credential = credential_of(before.id)

    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new_key = _key_id_of(key_file)
    assert new_key != old_key
    assert f"Retired key {old_key}" in result.output
    assert f"/issuer/keys/{old_key}" in result.output
    assert f"New key {new_key} written to {key_file}" in result.output
    assert "Restart every other app server" in result.output
    assert key_file.stat().st_mode & 0o777 == 0o600

    with in_app():
        rows = {row.key_id: row for row in db.session.scalars(select(SigningKey))}
        assert rows[old_key].retired_at is not None and rows[new_key].retired_at is None
        (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "key rotated"))
        assert old_key in event.comment and new_key in event.comment
        assert signing_keys.current_key_id() == new_key  # this app dropped the old key at once

    log = app.test_client()
    sign_in(log, lead)
    page = text_of(log.get("/lead/audit?subject=signing_key"))
    assert "The certificate signing key" in page and f"Key {new_key} signs from now on" in page

    after = issue_through_the_app(app, lead, second)
    new_credential = credential_of(after.id)
    assert new_credential["proof"]["verificationMethod"].endswith(f"/keys/{new_key}")

    documents = published_documents(app, old_credential)
    issuer = documents["http://127.0.0.1:5000/issuer"]
    assert [m["id"].rsplit("/", 1)[1] for m in issuer["verificationMethod"]] == [
        old_key,
        new_key,
    ]
    for credential in (old_credential, new_credential):
        verdict = independent_verify(credential, published_documents(app, credential))
        assert verdict["verified"], verdict["errors"]


def test_a_certificate_signed_before_a_rotation_checks_against_its_own_key(site):
    app, _, lead, (trainee, _) = site
    certificate = issue_through_the_app(app, lead, trainee)
    assert app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0

    visitor = app.test_client()
    answer = visitor.get(f"/verify/{format_code(certificate.code)}.json")
    key_url = answer.json["public_key_url"]
    assert key_url == f"http://127.0.0.1:5000/verify/keys/{certificate.key_id}.pem"
    own_key = visitor.get(key_url.removeprefix("http://127.0.0.1:5000")).data
    assert check(answer.get_data(as_text=True), own_key).genuine
    # the key that signs now is another one, which does not check it
    current = visitor.get("/verify/public-key.pem").data
    assert current != own_key
    assert not check(answer.get_data(as_text=True), current).genuine


def test_keys_list_shows_every_key_and_which_signs_now(site):
    app, key_file, lead, (trainee, _) = site
    old_key = _key_id_of(key_file)
    issue_through_the_app(app, lead, trainee)
    runner = app.test_cli_runner()
    runner.invoke(args=["keys", "rotate"])
    listed = runner.invoke(args=["keys", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    (old_line,) = [line for line in lines if line.startswith(old_key)]
    (new_line,) = [line for line in lines if line.startswith(_key_id_of(key_file))]
    assert "(signs now)" in new_line and "(signs now)" not in old_line
    assert old_line.split()[3] != "-"  # a retired date


def test_a_key_from_the_setting_is_not_rotated_by_the_command():
    pem = signing.new_private_key_pem().decode()
    with app_with_database(CERTIFICATE_SIGNING_KEY=pem) as app:
        result = app.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 1
        assert "comes from the CERTIFICATE_SIGNING_KEY setting" in result.output
        assert "restart every app server" in result.output
        with in_app():
            assert db.session.scalars(select(SigningKey)).all() == []


def test_a_new_key_in_the_setting_retires_the_old_one_when_it_first_signs(site):
    """Rotation without the command: the operator sets a new CERTIFICATE_SIGNING_KEY and
    restarts; the first signature registers it and retires the old key, which stays published."""
    app, key_file, lead, (first, second) = site
    old_key = _key_id_of(key_file)
    before = credential_of(issue_through_the_app(app, lead, first).id)

    new_pem = signing.new_private_key_pem()
    app.config["CERTIFICATE_SIGNING_KEY"] = new_pem.decode()
    app.extensions.pop("certificate_key", None)  # as after a restart
    issue_through_the_app(app, lead, second)

    with in_app():
        rows = {row.key_id: row for row in db.session.scalars(select(SigningKey))}
        new_key = signing.key_id(signing.public_key_pem(signing.load_private_key(new_pem)))
        assert set(rows) == {old_key, new_key}
        assert rows[old_key].retired_at is not None and rows[new_key].retired_at is None
        (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "key rotated"))
        assert "set in the configuration" in event.comment
    assert before["proof"]["verificationMethod"].endswith(f"/issuer/keys/{old_key}")
    verdict = independent_verify(before, published_documents(app, before))
    assert verdict["verified"], verdict["errors"]
