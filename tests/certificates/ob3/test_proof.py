"""eddsa-rdfc-2022 proofs: only our key makes a credential that verifies, any change to what a
holder or verifier reads breaks it, and what cannot be signed in the standard form is refused."""

import copy
import json
from datetime import UTC, datetime, timedelta, timezone

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.ob3 import contexts, proof
from certificates.ob3.contexts import CREDENTIAL_CONTEXT

KEY = Ed25519PrivateKey.generate()
METHOD = "https://training.example.org/issuer/keys/0123456789abcdef"
CREATED = datetime(2026, 11, 22, 9, 30, 15, tzinfo=UTC)


def credential() -> dict:
    return {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": "urn:uuid:6f1c1a2e-8d3b-4b9e-9a57-0c5d3e1f2a4b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Certified Peer Recovery Specialist",
        "issuer": {
            "id": "https://training.example.org/issuer",
            "type": ["Profile"],
            "name": "Peer Support Training",
            "url": "https://training.example.org/",
        },
        "validFrom": "2026-11-22T00:00:00Z",
        "validUntil": "2028-11-22T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://training.example.org/achievements/peer-recovery",
                "type": ["Achievement"],
                "name": "Peer Recovery Specialist",
                "description": "500 hours of supervised practice in peer recovery support.",
                "criteria": {"narrative": "Supervised practice: 500 hours.\nEthics: 16 hours."},
            },
        },
    }


def signed() -> dict:
    return proof.sign(credential(), KEY, METHOD, CREATED)


def test_a_signed_credential_verifies_with_the_public_key():
    document = signed()
    proof.verify(document, KEY.public_key())
    # …also after a trip through JSON text, whatever the order of its keys
    reordered = json.loads(json.dumps(document, sort_keys=True))
    proof.verify(reordered, KEY.public_key())


def test_the_proof_is_a_data_integrity_proof_of_the_standard_cryptosuite():
    document = signed()
    assert {k: v for k, v in document["proof"].items() if k != "proofValue"} == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-22T09:30:15Z",
        "verificationMethod": METHOD,
        "proofPurpose": "assertionMethod",
    }
    value = document["proof"]["proofValue"]
    assert value.startswith("z")
    assert len(base58.b58decode(value[1:])) == 64
    assert proof.verification_method_of(document) == METHOD


def test_signing_leaves_the_given_document_alone():
    document = credential()
    proof.sign(document, KEY, METHOD, CREATED)
    assert document == credential()


def test_the_creation_time_is_written_in_utc():
    eastern = timezone(timedelta(hours=-5))
    document = proof.sign(credential(), KEY, METHOD, datetime(2026, 11, 22, 4, 30, tzinfo=eastern))
    assert document["proof"]["created"] == "2026-11-22T09:30:00Z"
    with pytest.raises(ValueError, match="time zone"):
        proof.sign(credential(), KEY, METHOD, datetime(2026, 11, 22, 4, 30))


def _set(document: dict, path: tuple, value) -> dict:
    altered = copy.deepcopy(document)
    target = altered
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return altered


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Certified Peer Recovery Supervisor"),
        (("validUntil",), "2099-11-22T00:00:00Z"),
        (("validUntil",), None),
        (("issuer", "id"), "https://impostor.example/issuer"),
        (("credentialSubject", "achievement", "criteria", "narrative"), "Nothing at all."),
        (("credentialSubject", "achievement", "description"), None),
        (("description",), "An extra claim added after signing."),
        (("proof", "created"), "2020-01-01T00:00:00Z"),
        (("proof", "verificationMethod"), "https://training.example.org/issuer/keys/other"),
    ],
)
def test_any_change_after_signing_breaks_the_proof(path, value):
    altered = _set(signed(), path, value)
    with pytest.raises(proof.ProofError, match="does not match"):
        proof.verify(altered, KEY.public_key())


def test_a_credential_signed_with_another_key_does_not_verify():
    document = proof.sign(credential(), Ed25519PrivateKey.generate(), METHOD, CREATED)
    with pytest.raises(proof.ProofError, match="another key"):
        proof.verify(document, KEY.public_key())


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("proof",), None, "carries no proof"),
        (("proof", "type"), "Ed25519Signature2020", "not a DataIntegrityProof"),
        (("proof", "cryptosuite"), "ecdsa-rdfc-2019", "eddsa-rdfc-2022"),
        (("proof", "proofPurpose"), "authentication", "assertionMethod"),
        (("proof", "proofValue"), "u" + "A" * 86, "base58"),
        (("proof", "proofValue"), "z0OIl", "not valid base58"),
        (("proof", "proofValue"), "z" + base58.b58encode(bytes(63)).decode(), "wrong length"),
        (("proof", "verificationMethod"), None, None),
    ],
)
def test_a_malformed_proof_is_refused_saying_why(path, value, reason):
    altered = _set(signed(), path, value)
    with pytest.raises(proof.ProofError, match=reason or "does not match"):
        proof.verify(altered, KEY.public_key())


def test_a_proof_that_names_no_key_is_reported():
    altered = _set(signed(), ("proof", "verificationMethod"), None)
    with pytest.raises(proof.ProofError, match="which key"):
        proof.verification_method_of(altered)


def test_a_field_no_context_defines_is_refused_rather_than_signed_unprotected():
    document = credential()
    document["credentialSubject"]["favouriteColour"] = "teal"
    with pytest.raises(proof.ProofError, match="favouriteColour"):
        proof.sign(document, KEY, METHOD, CREATED)


def test_an_id_that_is_not_a_full_url_is_refused():
    document = credential()
    document["id"] = "certificate-42"
    with pytest.raises(proof.ProofError, match="not a full URL"):
        proof.sign(document, KEY, METHOD, CREATED)


def test_a_context_we_do_not_ship_is_never_fetched():
    document = credential()
    document["@context"].append("https://contexts.example/extra.json")
    with pytest.raises(proof.ProofError, match="never fetch"):
        proof.sign(document, KEY, METHOD, CREATED)


def test_control_characters_that_would_be_canonicalised_differently_are_refused():
    document = credential()
    document["name"] = "Peer\x0bRecovery"
    with pytest.raises(proof.ProofError, match="control character"):
        proof.sign(document, KEY, METHOD, CREATED)


def test_the_canonical_form_does_not_depend_on_key_order_or_whitespace():
    document = credential()
    reordered = json.loads(json.dumps(document, sort_keys=True, indent=4))
    assert proof.canonical_nquads(reordered) == proof.canonical_nquads(document)
    assert '"Peer Recovery Specialist"' in proof.canonical_nquads(document)


def test_the_loader_serves_the_shipped_contexts_and_given_documents_and_nothing_else():
    given = {"https://training.example.org/issuer": {"id": "https://training.example.org/issuer"}}
    load = contexts.document_loader(given)
    assert set(contexts.shipped()) == {
        contexts.CREDENTIALS_V2,
        contexts.OB_V3,
        contexts.MULTIKEY_V1,
        contexts.DATA_INTEGRITY_V2,
    }
    for url in contexts.shipped():
        assert "@context" in load(url)["document"]
    assert (
        load("https://training.example.org/issuer")["document"]
        == given["https://training.example.org/issuer"]
    )
    with pytest.raises(contexts.UnknownDocument, match="never fetch"):
        load("https://www.w3.org/2018/credentials/v1")


def test_a_document_built_to_make_canonicalisation_take_hours_is_refused_at_once():
    # Blank nodes that look alike make RDFC-1.0 try every ordering of them (7 alike: seconds,
    # 10: hours). Like Digital Bazaar's rdf-canonize, we stop past a work limit.
    identifier = {"type": "IdentityObject", "identityHash": "x", "identityType": "emailAddress"}
    subject = {"type": ["AchievementSubject"], "identifier": [identifier] * 10}
    document = credential()
    document["credentialSubject"] = [subject, copy.deepcopy(subject)]
    with pytest.raises(proof.ProofError, match="cannot be told apart"):
        proof.canonical_nquads(document)
    # two alike parts are still fine
    document["credentialSubject"] = [{**subject, "identifier": [identifier]}] * 2
    assert "_:c14n1" in proof.canonical_nquads(document)
