"""The platform's certificate signing key: from configuration, never from the database.

``CERTIFICATE_SIGNING_KEY`` (the PEM text) or ``CERTIFICATE_SIGNING_KEY_FILE`` (a path; default
``instance/certificate_signing_key.pem``, which the local first run creates). Tests get a fresh
key of their own, unless they name a key file.

Only the private key lives here. Every public key that ever signed is kept in the database
(``training.ob3.signing_keys``), so a key rotated out (``flask --app wsgi keys rotate``) stays
published and what it signed keeps verifying.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app

from certificates import signing

KEY_FILE_NAME = "certificate_signing_key.pem"
#: where the loaded private key is kept, per app
CACHE = "certificate_key"
#: the key file it was read from, per app (none when it came from the setting)
CACHE_SOURCE = "certificate_key_file"


#: what a holder is told when nothing can be signed (the reason, for the operator, is logged)
CANNOT_SIGN_NOW = (
    "The program cannot sign certificates or credentials at the moment. Your certificate "
    "itself is not affected. Please tell your program lead, and try again later."
)


class NoSigningKey(RuntimeError):
    """Nothing can be signed: no key is configured, or the one configured may no longer sign
    (``training.ob3.signing_keys.KeyOutOfService``). The message says what to do."""


def key_path(app: Flask) -> Path:
    return Path(
        app.config.get("CERTIFICATE_SIGNING_KEY_FILE") or Path(app.instance_path) / KEY_FILE_NAME
    )


def from_setting(app: Flask) -> bool:
    """True when the key is the text of CERTIFICATE_SIGNING_KEY (not a file this app may
    replace)."""
    return bool(app.config.get("CERTIFICATE_SIGNING_KEY"))


def write_key_file(app: Flask) -> bool:
    """Create the key file if there is none; True if one was made."""
    path = key_path(app)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(signing.new_private_key_pem())
    path.chmod(0o600)
    return True


def replace_key_file(app: Flask, pem: bytes) -> Path:
    """Write ``pem`` as the key file, in one step (a reader sees the old key or the new one,
    never half a file), readable by this user only; and forget the key this app had loaded."""
    path = key_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    spare = path.with_name(path.name + ".new")
    descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
        file.flush()
        os.fsync(file.fileno())
    os.replace(spare, path)
    forget(app)
    return path


def forget(app: Flask) -> None:
    """Drop the loaded private key: the next signature reads it from configuration again."""
    app.extensions.pop(CACHE, None)
    app.extensions.pop(CACHE_SOURCE, None)


def reread_key_file() -> bool:
    """Read the key file again if the loaded key came from it and it holds another key now
    (another process rotated it: ``flask --app wsgi keys rotate``); True if the key changed."""
    app = current_app
    path = app.extensions.get(CACHE_SOURCE)
    if path is None or not path.is_file():
        return False
    loaded = signing.load_private_key(path.read_bytes())
    if signing.public_key_pem(loaded) == public_pem():
        return False
    app.extensions[CACHE] = loaded
    return True


def private_key() -> Ed25519PrivateKey:
    app = current_app
    cached = app.extensions.get(CACHE)
    if cached is None:
        pem = app.config.get("CERTIFICATE_SIGNING_KEY")
        if not pem and app.testing and not app.config.get("CERTIFICATE_SIGNING_KEY_FILE"):
            pem = signing.new_private_key_pem()
        if not pem:
            path = key_path(app)
            if not path.is_file():
                raise NoSigningKey(
                    "No certificate signing key is configured. Set CERTIFICATE_SIGNING_KEY_FILE "
                    "or run `python -m training.firstrun`."
                )
            pem = path.read_bytes()
            app.extensions[CACHE_SOURCE] = path
        cached = signing.load_private_key(pem.encode() if isinstance(pem, str) else pem)
        app.extensions[CACHE] = cached
    return cached


def public_pem() -> bytes:
    return signing.public_key_pem(private_key())
