"""The platform's Ed25519 public keys as Multikey verification methods, and the issuer's
controller document that lists them.

A verifier of a Data Integrity proof dereferences the proof's ``verificationMethod`` URL and
expects a ``Multikey`` (W3C Controlled Identifiers §2.2.2): the public key as
``publicKeyMultibase``, i.e. ``z`` (base58btc) over the multicodec header ``0xed 0x01`` followed
by the 32 raw key bytes, which always starts ``z6Mk``. It then dereferences the key's
``controller`` (our issuer id, an HTTPS URL) and checks that this controller document lists the
key under ``assertionMethod``; @digitalbazaar/vc also insists the credential's ``issuer.id`` is
that controller.

The shape of :func:`controller_document`, found by running Digital Bazaar's verifier
(tests/credentials_node) against it:

- Its ``@context`` is ``[credentials/v2, OB 3.0.3, multikey/v1, _CONTROLLER_TERMS]``. The first
  two make it a valid OB 3.0 ``Profile`` (type, name, url, email, description, image), so the
  same URL is the issuer profile a wallet shows. Multikey/v1 gives the embedded keys their type.
  ``_CONTROLLER_TERMS`` is a small inline context naming ``verificationMethod`` and
  ``assertionMethod`` with their IRIs in the security vocabulary
  (``https://w3id.org/security#assertionMethod`` …): neither VC 2.0 nor OB 3.0 defines them at
  the top level, the verifier frames the controller document with the security context to find
  exactly those IRIs, and it refuses a term it cannot expand (JSON-LD "safe mode"): without
  these terms it fails with "Safe mode validation error". The legacy security/v2 context would
  define them too, but an inline context needs no URL a verifier might not have.
- ``assertionMethod`` lists the ids of every key, current and retired; without it the verifier
  says the key is "not authorized by controller". ``verificationMethod`` embeds the keys as
  well (each is also served alone at its own URL, which is what the verifier dereferences). A
  retired key stays listed so that credentials signed before a rotation keep verifying:
  retiring means "no longer signs", not "revoked".
- The document's ``id`` must be the issuer id, the keys' ``controller``, and the credential's
  ``issuer.id``: @digitalbazaar/vc refuses a credential whose issuer is not the key's controller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.ob3.contexts import CREDENTIALS_V2, MULTIKEY_V1, OB_V3

ED25519_PUB_HEADER = b"\xed\x01"  # multicodec "ed25519-pub", as an unsigned varint

SECURITY = "https://w3id.org/security#"
_CONTROLLER_TERMS = {
    "verificationMethod": {"@id": SECURITY + "verificationMethod", "@type": "@id"},
    "assertionMethod": {
        "@id": SECURITY + "assertionMethod",
        "@type": "@id",
        "@container": "@set",
    },
}
CONTROLLER_CONTEXT = [CREDENTIALS_V2, OB_V3, MULTIKEY_V1, _CONTROLLER_TERMS]


def public_multibase(public_key: Ed25519PublicKey) -> str:
    """The key as ``publicKeyMultibase``: ``z`` + base58btc(0xed01 + raw key), ``z6Mk…``."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB_HEADER + raw).decode("ascii")


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """The Ed25519 key a ``publicKeyMultibase`` names; ValueError, in plain words, otherwise."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("A public key must be written in base58 and start with the letter z.")
    try:
        data = base58.b58decode(value[1:])
    except ValueError:
        raise ValueError("The public key is not valid base58 text.") from None
    if not data.startswith(ED25519_PUB_HEADER):
        raise ValueError("The public key is not an Ed25519 key.")
    raw = data[len(ED25519_PUB_HEADER) :]
    if len(raw) != 32:
        raise ValueError("The public key has the wrong length for an Ed25519 key.")
    return Ed25519PublicKey.from_public_bytes(raw)


def verification_method(
    method_id: str, controller: str, public_key: Ed25519PublicKey
) -> dict[str, Any]:
    """One key as a Multikey document, served at ``method_id``."""
    return {
        "@context": MULTIKEY_V1,
        "id": method_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multibase(public_key),
    }


def controller_document(
    controller: str, methods: Sequence[Mapping[str, Any]], profile: Mapping[str, Any]
) -> dict[str, Any]:
    """The issuer document served at ``controller``: an OB 3.0 Profile that also lists every
    key the issuer signs with (or once signed with) as an assertion method.

    ``methods`` are :func:`verification_method` documents; ``profile`` holds the Profile fields
    (``name``, ``url``, and optionally ``email``, ``description``, ``image``…). Its ``id`` and
    ``type`` are set here.
    """
    embedded = []
    for method in methods:
        if method.get("controller") != controller:
            raise ValueError(f"The key {method.get('id')} belongs to another controller.")
        embedded.append({key: value for key, value in method.items() if key != "@context"})
    document: dict[str, Any] = {"@context": CONTROLLER_CONTEXT, "id": controller}
    document.update({k: v for k, v in profile.items() if k not in ("@context", "id", "type")})
    document["type"] = ["Profile"]
    document["verificationMethod"] = embedded
    document["assertionMethod"] = [method["id"] for method in embedded]
    return document
