"""The platform's certificate signing key: from configuration, never from the database.

``CERTIFICATE_SIGNING_KEY`` (the PEM text) or ``CERTIFICATE_SIGNING_KEY_FILE`` (a path; default
``instance/certificate_signing_key.pem``, which the local first run creates). Tests get a fresh
key of their own.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app

from certificates import signing

KEY_FILE_NAME = "certificate_signing_key.pem"


class NoSigningKey(RuntimeError):
    pass


def key_path(app: Flask) -> Path:
    return Path(
        app.config.get("CERTIFICATE_SIGNING_KEY_FILE") or Path(app.instance_path) / KEY_FILE_NAME
    )


def write_key_file(app: Flask) -> bool:
    """Create the key file if there is none; True if one was made."""
    path = key_path(app)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(signing.new_private_key_pem())
    path.chmod(0o600)
    return True


def private_key() -> Ed25519PrivateKey:
    app = current_app
    cached = app.extensions.get("certificate_key")
    if cached is None:
        pem = app.config.get("CERTIFICATE_SIGNING_KEY")
        if not pem and app.testing:
            pem = signing.new_private_key_pem()
        if not pem:
            path = key_path(app)
            if not path.is_file():
                raise NoSigningKey(
                    "No certificate signing key is configured. Set CERTIFICATE_SIGNING_KEY_FILE "
                    "or run `python -m training.firstrun`."
                )
            pem = path.read_bytes()
        cached = signing.load_private_key(pem.encode() if isinstance(pem, str) else pem)
        app.extensions["certificate_key"] = cached
    return cached


def public_pem() -> bytes:
    return signing.public_key_pem(private_key())
