"""Signatures: only the platform's key makes a record that verifies; any change breaks it."""

import copy

from hypothesis import given
from hypothesis import strategies as st

from certificates import signing

KEY = signing.load_private_key(signing.new_private_key_pem())
PUBLIC = signing.public_key_pem(KEY)
PAYLOAD = {
    "v": 1,
    "code": "6290E2B5E29QGSS",
    "holder": "Riley Chen",
    "track": "peer-recovery",
    "issued_on": "2026-11-22",
    "expires_on": "2028-11-22",
    "approved_minutes": {"supervision": 1560, "supervised_practice": 30240},
}


def test_a_signed_payload_verifies_with_the_public_key_alone():
    signature = signing.sign(PAYLOAD, KEY)
    assert signing.verify(PAYLOAD, signature, PUBLIC)
    assert signing.verify(
        dict(reversed(PAYLOAD.items())), signature, PUBLIC
    )  # key order is canonical


def test_altered_payloads_never_verify():
    signature = signing.sign(PAYLOAD, KEY)
    for key, value in [
        ("holder", "Riley Chen-Smith"),
        ("expires_on", "2099-11-22"),
        ("code", "0000000000000X"),
    ]:
        altered = {**PAYLOAD, key: value}
        assert not signing.verify(altered, signature, PUBLIC)
    deep = copy.deepcopy(PAYLOAD)
    deep["approved_minutes"]["supervision"] += 60
    assert not signing.verify(deep, signature, PUBLIC)


def test_signatures_by_another_key_never_verify():
    other = signing.load_private_key(signing.new_private_key_pem())
    assert not signing.verify(PAYLOAD, signing.sign(PAYLOAD, other), PUBLIC)
    assert signing.key_id(PUBLIC) != signing.key_id(signing.public_key_pem(other))


@given(st.binary(min_size=0, max_size=80))
def test_random_signatures_never_verify(raw):
    import base64

    assert not signing.verify(PAYLOAD, base64.urlsafe_b64encode(raw).decode(), PUBLIC)


@given(
    st.integers(0, 85),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
)
def test_an_altered_signature_never_verifies(position, char):
    signature = signing.sign(PAYLOAD, KEY)
    position %= len(signature)
    altered = signature[:position] + char + signature[position + 1 :]
    if altered != signature:
        assert not signing.verify(PAYLOAD, altered, PUBLIC)


def test_garbage_keys_are_refused_not_crashed_on():
    assert not signing.verify(PAYLOAD, signing.sign(PAYLOAD, KEY), b"not a key")


def test_a_signature_has_exactly_one_spelling():
    """Changing only base64's spare bits in the last character gives the same bytes: refused."""
    signature = signing.sign(PAYLOAD, KEY)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    same_bytes = alphabet[alphabet.index(signature[-1]) ^ 1]
    assert not signing.verify(PAYLOAD, signature[:-1] + same_bytes, PUBLIC)
    assert signing.verify(PAYLOAD, signature, PUBLIC)
