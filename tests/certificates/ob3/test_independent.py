"""What we sign passes a verifier that is not ours: Digital Bazaar's @digitalbazaar/vc with the
eddsa-rdfc-2022 cryptosuite and the Bitstring Status List check (tests/credentials_node), fed only
the JSON-LD contexts of its own npm packages and the documents we would publish.

Everything here is built by hand from the pure functions, so a failure points at the proof, the
key documents or the status list, not at the web app.
"""

import base64
import copy
import gzip
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.ob3 import multikey, proof
from certificates.ob3.contexts import CREDENTIAL_CONTEXT, CREDENTIALS_V2
from tests.ob3_independent import independent_verify, independent_verify_many

pytestmark = pytest.mark.slow  # each check starts Node (about half a second)

ISSUER = "https://training.example.org/issuer"
LIST_URL = "https://training.example.org/credentials/status/1"
LIST_BITS = 131_072
INDEX = 70_123
SIGNED_AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
PROFILE = {"name": "Peer Support Training", "url": "https://training.example.org/"}


class Issuer:
    """Our keys, as the app would publish them: each key at its own URL, all in the issuer
    document."""

    def __init__(self, *names: str) -> None:
        self.keys = {name: Ed25519PrivateKey.generate() for name in names}

    def method_id(self, name: str) -> str:
        return f"{ISSUER}/keys/{name}"

    def documents(self, published=None, status_list=None) -> dict:
        names = list(self.keys) if published is None else published
        methods = [
            multikey.verification_method(self.method_id(n), ISSUER, self.keys[n].public_key())
            for n in names
        ]
        documents = {m["id"]: m for m in methods}
        documents[ISSUER] = multikey.controller_document(ISSUER, methods, PROFILE)
        if status_list is not None:
            documents[LIST_URL] = status_list
        return documents

    def sign(self, document: dict, name: str) -> dict:
        return proof.sign(document, self.keys[name], self.method_id(name), SIGNED_AT)


def badge(**changes) -> dict:
    """A small but complete OpenBadgeCredential, with a revocation status entry."""
    document = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": "urn:uuid:6f1c1a2e-8d3b-4b9e-9a57-0c5d3e1f2a4b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Certified Peer Recovery Specialist",
        "issuer": {"id": ISSUER, "type": ["Profile"], **PROFILE},
        "validFrom": "2026-11-22T00:00:00Z",
        "validUntil": "2028-11-22T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "ab" * 32,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "0f" * 16,
                }
            ],
            "achievement": {
                "id": "https://training.example.org/achievements/peer-recovery",
                "type": ["Achievement"],
                "name": "Peer Recovery Specialist",
                "description": "Supervised practice and training in peer recovery support.",
                "criteria": {"narrative": "Supervised practice: 500 hours.\nEthics: 16 hours."},
            },
        },
        "credentialStatus": {
            "id": f"{LIST_URL}#{INDEX}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(INDEX),
            "statusListCredential": LIST_URL,
        },
    }
    document.update(changes)
    return document


def encoded_list(revoked: set[int]) -> str:
    """The Bitstring Status List encoding, by hand: index 0 is the first byte's leftmost bit;
    gzip, then base64url without padding, behind a "u"."""
    bits = bytearray(LIST_BITS // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")


def status_list(issuer: Issuer, revoked: set[int], key: str = "current") -> dict:
    document = {
        "@context": [CREDENTIALS_V2],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-11-22T00:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked),
        },
    }
    return issuer.sign(document, key)


def test_a_credential_we_sign_passes_the_independent_verifier():
    issuer = Issuer("current")
    credential = issuer.sign(badge(), "current")
    result = independent_verify(
        credential, issuer.documents(status_list=status_list(issuer, {1, INDEX + 1}))
    )
    assert result["verified"], result["errors"]
    assert result["statusResult"]["statuses"] == [
        {"verified": True, "status": False, "statusPurpose": "revocation"}
    ]


def test_text_with_accents_quotes_and_line_breaks_is_canonicalised_as_the_verifier_does():
    issuer = Issuer("current")
    name = "Zoë O’Brien-Nakamura — “Peer” \\ tab\there\r\nnext line 😀 ‮ltr"
    credential = issuer.sign(badge(name=name, description="Ünïcödé\u2028fine"), "current")
    result = independent_verify(credential, issuer.documents(), check_status=False)
    assert result["verified"], result["errors"]


CHANGES = {
    "the credential's name": lambda c: c.update(name="Certified Peer Recovery Supervisor"),
    "its end date": lambda c: c.update(validUntil="2099-11-22T00:00:00Z"),
    "the achievement": lambda c: c["credentialSubject"]["achievement"].update(name="Supervisor"),
    "the holder": lambda c: c["credentialSubject"]["identifier"][0].update(
        identityHash="sha256$" + "cd" * 32
    ),
    "its status entry": lambda c: c["credentialStatus"].update(
        statusListIndex="5", id=f"{LIST_URL}#5"
    ),
}


def test_a_field_changed_after_signing_fails_the_independent_verifier_and_ours():
    issuer = Issuer("current")
    credential = issuer.sign(badge(), "current")
    documents = issuer.documents()
    altered = {}
    for what, change in CHANGES.items():
        altered[what] = copy.deepcopy(credential)
        change(altered[what])
        with pytest.raises(proof.ProofError):
            proof.verify(altered[what], issuer.keys["current"].public_key())
    results = independent_verify_many([(a, documents, False, None) for a in altered.values()])
    for what, result in zip(altered, results, strict=True):
        assert not result["verified"], what
        assert "Invalid signature." in result["errors"], (what, result["errors"])


def test_a_credential_signed_with_a_key_we_do_not_publish_fails():
    ours, impostor = Issuer("current"), Issuer("current")
    credential = impostor.sign(badge(), "current")
    result = independent_verify(credential, ours.documents(), check_status=False)
    assert not result["verified"]
    assert "Invalid signature." in result["errors"]


def test_a_credential_claiming_another_issuer_fails_even_with_our_signature():
    issuer = Issuer("current")
    other = {"id": "https://impostor.example/issuer", "type": ["Profile"], "name": "Impostor"}
    credential = issuer.sign(badge(issuer=other), "current")
    result = independent_verify(credential, issuer.documents(), check_status=False)
    assert not result["verified"]
    assert any("issuer must match" in e for e in result["errors"]), result["errors"]


def test_after_a_key_rotation_credentials_signed_with_the_retired_key_still_verify():
    issuer = Issuer("retired", "current")
    before = issuer.sign(badge(), "retired")
    after = issuer.sign(badge(id="urn:uuid:0e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b"), "current")
    documents = issuer.documents(status_list=status_list(issuer, set()))
    # the retired key has to stay in the issuer document: without it, the old credential fails
    unlisted = issuer.documents(published=["current"])
    unlisted[issuer.method_id("retired")] = documents[issuer.method_id("retired")]
    old, new, old_unlisted = independent_verify_many(
        [
            (before, documents, True, None),
            (after, documents, True, None),
            (before, unlisted, False, None),
        ]
    )
    assert old["verified"], old["errors"]
    assert new["verified"], new["errors"]
    assert not old_unlisted["verified"]
    assert any("not authorized by controller" in e for e in old_unlisted["errors"]), old_unlisted


def test_once_its_bit_is_set_in_the_status_list_the_credential_fails():
    issuer = Issuer("current")
    credential = issuer.sign(badge(), "current")
    result = independent_verify(
        credential, issuer.documents(status_list=status_list(issuer, {INDEX}))
    )
    assert not result["verified"]
    assert result["statusResult"]["statuses"][0]["status"] is True
    assert any("revoked" in e for e in result["errors"]), result["errors"]


def test_a_status_list_changed_after_signing_fails():
    issuer = Issuer("current")
    credential = issuer.sign(badge(), "current")
    tampered = status_list(issuer, {INDEX})
    tampered["credentialSubject"]["encodedList"] = encoded_list(set())  # "un-revoke" it
    result = independent_verify(credential, issuer.documents(status_list=tampered))
    assert not result["verified"]
    assert any("BitstringStatusListCredential" in e for e in result["errors"]), result["errors"]


def test_outside_its_validity_dates_the_credential_fails():
    issuer = Issuer("current")
    credential = issuer.sign(badge(), "current")
    documents = issuer.documents()
    moments = ["2027-06-01T00:00:00Z", "2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z"]
    inside, before, after = independent_verify_many(
        [(credential, documents, False, moment) for moment in moments]
    )
    assert inside["verified"], inside["errors"]
    assert not before["verified"]
    assert any("before" in e for e in before["errors"]), before["errors"]
    assert not after["verified"]
    assert any("after" in e for e in after["errors"]), after["errors"]
