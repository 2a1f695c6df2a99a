"""The documents a verifier or wallet fetches: the issuer (its profile and every key it signs
with), each key alone, each track's achievement and badge image. Public, cacheable briefly, and
readable from any site."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from certificates.ob3.multikey import public_key_from_multibase, public_multibase
from tests.helpers import in_app, make_user, write_course, write_track
from training.content import ContentStore
from training.models import Role
from training.ob3 import signing_keys

BASE = "http://127.0.0.1:5000"


@pytest.fixture
def track(app, tmp_path):
    write_course(tmp_path)
    write_track(tmp_path)
    app.extensions["content"] = ContentStore(tmp_path)


def test_the_issuer_document_names_the_program_and_its_key(app):
    response = app.test_client().get("/issuer")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    issuer = response.json
    assert issuer["id"] == f"{BASE}/issuer"
    assert issuer["type"] in ("Profile", ["Profile"])
    assert issuer["name"] == "Peer Support Training Program"
    with in_app():
        key_id = signing_keys.current_key_id()
        public = signing_keys.public_keys()[f"{BASE}/issuer/keys/{key_id}"]
    (method,) = issuer["verificationMethod"]
    assert method["id"] == f"{BASE}/issuer/keys/{key_id}"
    assert method["publicKeyMultibase"] == public_multibase(public)
    assert issuer["assertionMethod"] == [method["id"]]


def test_each_key_is_published_alone_and_an_unknown_one_is_not_found(app):
    visitor = app.test_client()
    with in_app():
        key_id = signing_keys.current_key_id()
    method = visitor.get(f"/issuer/keys/{key_id}").json
    assert method["type"] == "Multikey"
    assert method["controller"] == f"{BASE}/issuer"
    public_key_from_multibase(method["publicKeyMultibase"])
    assert visitor.get("/issuer/keys/0000000000000000").status_code == 404
    assert visitor.get("/verify/keys/0000000000000000.pem").status_code == 404
    pem = visitor.get(f"/verify/keys/{key_id}.pem")
    assert pem.status_code == 200 and pem.data.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_the_achievement_says_what_the_track_certifies(app, track):
    response = app.test_client().get("/achievements/peer-recovery")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    achievement = response.json
    assert achievement["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert achievement["id"] == f"{BASE}/achievements/peer-recovery"
    assert achievement["name"] == "Peer Recovery Specialist"
    # a track without a credential_description: general words, never its summary
    assert achievement["description"] == (
        f"{app.config['PROGRAM_NAME']}'s own training certificate: Peer Recovery Specialist."
    )
    narrative = achievement["criteria"]["narrative"]
    assert "2 hours of paid or volunteer peer support work, signed off by a supervisor." in (
        narrative
    )
    assert "Sign the program's code of ethics." in narrative
    (alignment,) = achievement["alignment"]
    assert alignment["targetName"] == "Mentoring/Education"
    assert alignment["targetFramework"].startswith("IC&RC Peer Recovery")
    assert alignment["targetUrl"].startswith("https://")
    assert achievement["image"]["id"] == f"{BASE}/achievements/peer-recovery/badge.png"


def test_the_badge_image_is_a_png(app, track):
    visitor = app.test_client()
    response = visitor.get("/achievements/peer-recovery/badge.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (600, 600)
    assert visitor.get("/achievements/no-such-track/badge.png").status_code == 404
    assert visitor.get("/achievements/no-such-track").status_code == 404


def test_a_signed_in_person_gets_the_same_documents_but_none_are_stored(app):
    """The documents hold nothing of anyone's; for a signed-in person the site's rule still
    holds: nothing of their session is kept by a cache."""
    from tests.helpers import sign_in

    client = app.test_client()
    sign_in(client, make_user(Role.LEAD))
    response = client.get("/issuer")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_site_without_a_signing_key_publishes_what_it_has(tmp_path):
    from tests.helpers import app_with_database

    with app_with_database(CERTIFICATE_SIGNING_KEY_FILE=str(tmp_path / "none.pem")) as app:
        visitor = app.test_client()
        issuer = visitor.get("/issuer")
        assert issuer.status_code == 200 and issuer.json["verificationMethod"] == []
        assert visitor.get("/credentials/status/1").status_code == 503
        assert visitor.get("/verify/public-key.pem").status_code == 404
