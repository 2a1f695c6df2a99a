"""Multikey: a verifier reads our public key back from the published text exactly, and the
issuer document lists every key that may sign for the issuer."""

import base58
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st

from certificates.ob3 import multikey, proof
from certificates.ob3.contexts import MULTIKEY_V1

ISSUER = "https://training.example.org/issuer"


def raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@given(st.binary(min_size=32, max_size=32))
def test_any_ed25519_key_round_trips_through_its_multibase_text(key_bytes):
    public_key = Ed25519PublicKey.from_public_bytes(key_bytes)
    text = multikey.public_multibase(public_key)
    assert text.startswith("z6Mk")  # the prefix every Ed25519 Multikey shows
    assert raw(multikey.public_key_from_multibase(text)) == key_bytes


def test_the_text_is_base58_over_the_ed25519_multicodec_header_and_the_raw_key():
    public_key = Ed25519PrivateKey.generate().public_key()
    text = multikey.public_multibase(public_key)
    assert base58.b58decode(text[1:]) == b"\xed\x01" + raw(public_key)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "start with the letter z"),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do0", "not valid base58"),
        ("z" + base58.b58encode(b"\xec\x01" + bytes(32)).decode(), "not an Ed25519 key"),
        ("z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(), "wrong length"),
        ("z1" + base58.b58encode(b"\xed\x01" + bytes(32)).decode(), "not an Ed25519 key"),
    ],
)
def test_text_that_is_not_an_ed25519_multikey_is_refused_in_plain_words(text, reason):
    with pytest.raises(ValueError, match=reason):
        multikey.public_key_from_multibase(text)


def test_a_verification_method_is_a_multikey_document_naming_its_controller():
    public_key = Ed25519PrivateKey.generate().public_key()
    method = multikey.verification_method(ISSUER + "/keys/abc", ISSUER, public_key)
    assert method == {
        "@context": MULTIKEY_V1,
        "id": ISSUER + "/keys/abc",
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": multikey.public_multibase(public_key),
    }


def test_the_issuer_document_is_a_profile_that_authorises_every_key_current_and_retired():
    old, new = (Ed25519PrivateKey.generate().public_key() for _ in range(2))
    methods = [
        multikey.verification_method(ISSUER + "/keys/old", ISSUER, old),
        multikey.verification_method(ISSUER + "/keys/new", ISSUER, new),
    ]
    profile = {"name": "Peer Support Training", "url": "https://training.example.org/"}
    document = multikey.controller_document(ISSUER, methods, profile)
    assert document["id"] == ISSUER
    assert document["type"] == ["Profile"]
    assert document["name"] == "Peer Support Training"
    assert document["url"] == "https://training.example.org/"
    assert document["assertionMethod"] == [ISSUER + "/keys/old", ISSUER + "/keys/new"]
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        multikey.public_multibase(old),
        multikey.public_multibase(new),
    ]


def test_a_key_of_another_controller_is_never_listed_as_ours():
    method = multikey.verification_method(
        "https://elsewhere.example/keys/1",
        "https://elsewhere.example/issuer",
        Ed25519PrivateKey.generate().public_key(),
    )
    with pytest.raises(ValueError, match="another controller"):
        multikey.controller_document(ISSUER, [method], {"name": "Peer Support Training"})


def test_every_field_of_the_issuer_document_is_defined_by_its_contexts():
    # a verifier frames the document in JSON-LD "safe mode": an undefined field makes it fail
    method = multikey.verification_method(
        ISSUER + "/keys/abc", ISSUER, Ed25519PrivateKey.generate().public_key()
    )
    profile = {
        "name": "Peer Support Training",
        "url": "https://training.example.org/",
        "email": "certificates@training.example.org",
        "description": "Training and certification for peer supporters.",
        "image": {"id": "https://training.example.org/static/logo.png", "type": "Image"},
    }
    nquads = proof.canonical_nquads(multikey.controller_document(ISSUER, [method], profile))
    assert f"<{ISSUER}> <https://w3id.org/security#assertionMethod> <{ISSUER}/keys/abc>" in nquads
    assert "https://schema.org/email" in nquads
