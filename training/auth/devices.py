"""Device cookies: a browser someone has signed in from before is recognised at sign-in.

OWASP's "device cookie" defence against online guessing: failed sign-ins from browsers that
have never signed in to an account are counted together, for the whole account (a stranger
guessing from many addresses is stopped), while a browser the person signed in from before is
counted on its own. So an attacker can use up the strangers' allowance, but cannot lock the
owner out of the devices they use.

The cookie is signed with the app's secret key and names the accounts only by a keyed hash
(no email address in it). It lets nobody in: it only decides which counter a failure goes to.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "known_device"
#: how long a browser stays recognised after its last successful sign-in
LIFETIME = timedelta(days=365)
#: accounts one browser remembers (a shared office computer)
MAX_ACCOUNTS = 5


def known_device(email: str) -> str | None:
    """This browser's id for the account with ``email``, if it signed in to it before."""
    account = _account(email)
    return next((nonce for who, nonce in _entries() if who == account), None)


def remember(response: Response, email: str) -> None:
    """After a successful sign-in: recognise this browser for the account from now on."""
    account = _account(email)
    nonce = known_device(email) or secrets.token_urlsafe(16)
    entries = [[account, nonce]] + [e for e in _entries() if e[0] != account]
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(entries[:MAX_ACCOUNTS]),
        max_age=int(LIFETIME.total_seconds()),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _entries() -> list[list[str]]:
    """The cookie's [account, nonce] pairs; none if it is missing or was tampered with."""
    if "known_device_entries" not in g:
        entries: list[list[str]] = []
        raw = request.cookies.get(COOKIE_NAME)
        if raw:
            try:
                loaded = _serializer().loads(raw)
            except BadSignature:
                loaded = []
            if isinstance(loaded, list):
                entries = [
                    e
                    for e in loaded
                    if isinstance(e, list) and len(e) == 2 and all(isinstance(v, str) for v in e)
                ]
        g.known_device_entries = entries
    return g.known_device_entries


def _account(email: str) -> str:
    key = str(current_app.secret_key).encode()
    normalised = email.strip().lower().encode()
    return hmac.new(key, normalised, hashlib.sha256).hexdigest()[:32]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt="known-device")
