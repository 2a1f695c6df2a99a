"""Signing certificate facts with the platform's Ed25519 key (``cryptography``), and checking
them with the public key alone.

The signed payload is canonical JSON (sorted keys, no spaces, UTF-8), so anyone can rebuild the
exact bytes from the JSON the verification endpoint returns and check the signature themselves.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def canonical(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are signed."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def new_private_key_pem() -> bytes:
    """A new Ed25519 private key, as unencrypted PKCS#8 PEM (keep it out of the database)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("The certificate signing key must be an Ed25519 key.")
    return key


def public_key_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(public_pem: bytes) -> str:
    """A short fingerprint naming the key a certificate was signed with."""
    return hashlib.sha256(public_pem).hexdigest()[:16]


def sign(payload: dict[str, Any], private_key: Ed25519PrivateKey) -> str:
    """The base64url signature of the canonical payload."""
    return base64.urlsafe_b64encode(private_key.sign(canonical(payload))).decode().rstrip("=")


def verify(payload: dict[str, Any], signature: str, public_pem: bytes) -> bool:
    """True only if ``signature`` was made over exactly this payload with the matching key."""
    try:
        public_key = serialization.load_pem_public_key(public_pem)
        if not isinstance(public_key, Ed25519PublicKey):
            return False
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        # Only the one canonical spelling of a 64-byte signature counts: base64's spare bits
        # would otherwise let several strings stand for the same signature.
        if len(raw) != 64 or base64.urlsafe_b64encode(raw).decode().rstrip("=") != signature:
            return False
        public_key.verify(raw, canonical(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
