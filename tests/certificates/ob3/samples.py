"""A demo holder's certificate facts and the platform's keys, shared by the OB 3.0 tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.ob3 import credential, proof, status_list
from certificates.ob3.credential import Alignment, BadgeFacts, Issuer

BASE = "https://train.example.org"
ISSUER = Issuer(
    id=f"{BASE}/issuer",
    name="Peer Support Training Program",
    url=f"{BASE}/",
    email="certificates@train.example.org",
)
LIST_URL = f"{BASE}/credentials/status/1"
KEY = Ed25519PrivateKey.generate()
METHOD = f"{BASE}/issuer/keys/0123456789abcdef"
SIGNED_AT = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)

FACTS = BadgeFacts(
    credential_id="urn:uuid:5b0a3c1e-1f7d-4c1e-9d8e-6a0c2b1f4e7d",
    issuer=ISSUER,
    holder_name="Riley Chen",
    email="Riley.Chen@example.com",
    salt="9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e",
    did=None,
    achievement_id=f"{BASE}/achievements/recovery-coach",
    track_title="Recovery coach",
    description=(
        "Awarded to trainees who complete the program's recovery coach training and "
        "supervised practice."
    ),
    criteria=(
        "60 training hours, at least half of them live, including 6 hours on ethics; "
        "200 hours of direct peer work signed off by a supervisor; 10 hours of supervision; "
        "a written exam and a competency evaluation."
    ),
    alignments=(
        Alignment(
            name="Shares lived experience of recovery",
            framework="SAMHSA Core Competencies for Peer Workers",
            url="https://www.samhsa.gov/brss-tacs/recovery-support-tools/peers/core-competencies-peer-workers",
            code="C-3",
        ),
        Alignment(
            name="Ethical Responsibility",
            framework="IC&RC Peer Recovery (PR) performance domains",
            url="https://internationalcredentialing.org/icrc-credentials/pr",
            description="A training domain as IC&RC names it.",
        ),
    ),
    hours_by_domain=(("Ethics", 6.0), ("Advocacy", 10.5), ("Wellness & recovery", 43.75)),
    practice_hours=200.0,
    supervision_hours=10.0,
    image_url=f"{BASE}/achievements/recovery-coach/badge.png",
    evidence_url=f"{BASE}/verify/6290E2B5E29QGSS",
    valid_from=datetime(2026, 3, 9, 14, 0, tzinfo=UTC),
    valid_until=datetime(2028, 3, 9, 14, 0, tzinfo=UTC),
    status_list_url=LIST_URL,
    status_index=94567,
    code="6290-E2B5-E29Q-GSS",
    evidence_lines=(
        "60.25 hours of training (Ethics 6, Advocacy 10.5, Wellness & recovery 43.75); of them "
        "30 hours at live events.",
        "200 hours of supervised practice, 200 hours of it in direct service, signed off by the "
        "program's supervisors.",
        "10 hours of supervision (6 hours individual, 4 hours in a group).",
    ),
)


def facts(**changes) -> BadgeFacts:
    return dataclasses.replace(FACTS, **changes)


def signed(badge: BadgeFacts = FACTS, key: Ed25519PrivateKey = KEY, method: str = METHOD) -> dict:
    return proof.sign(credential.build(badge), key, method, SIGNED_AT)


def signed_list(revoked_indexes=(), key: Ed25519PrivateKey = KEY) -> dict:
    encoded = status_list.encode(set(revoked_indexes))
    unsigned = status_list.list_credential(LIST_URL, ISSUER.id, encoded, SIGNED_AT)
    return proof.sign(unsigned, key, METHOD, SIGNED_AT)


def issuer_documents(*keys: tuple[str, Ed25519PrivateKey]) -> dict[str, dict]:
    """What a verifier dereferences: the issuer's controller document and each key."""
    from certificates.ob3 import multikey

    keys = keys or ((METHOD, KEY),)
    methods = [multikey.verification_method(m, ISSUER.id, k.public_key()) for m, k in keys]
    profile = {"name": ISSUER.name, "url": ISSUER.url, "email": ISSUER.email}
    documents = {ISSUER.id: multikey.controller_document(ISSUER.id, methods, profile)}
    documents.update({method["id"]: method for method in methods})
    return documents
