"""Random tokens handed to a person (in a cookie or a link), kept in the database as hashes."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """256 random bits, safe in a URL and a cookie."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps: a copy of it cannot be turned back into the token."""
    return hashlib.sha256(token.encode()).hexdigest()
