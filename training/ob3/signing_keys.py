"""The signing keys, as verifiers see them: which key signs now, and every key that ever signed.

The private key comes from configuration (``training.certs.keys``). Its public half is
registered in ``signing_key`` at the latest the first time it signs, in the same transaction
as what it signed, so a credential is never stored without its key being published. When a key is
registered while another one is in service, that other one is retired: that is a rotation,
whether ``flask --app wsgi keys rotate`` wrote the new key file (``rotate``) or an operator set a
new CERTIFICATE_SIGNING_KEY and restarted. A retired key is never deleted: the issuer document
keeps listing it, so whatever it signed keeps verifying, unless an operator revokes it
(``revoke``: a key that leaked), after which no verifier trusts what it signed.

The key in service is also registered as soon as the database is migrated, at first run and
when the keys are listed (``register_in_service``), so a key swapped out before it signed
anything here is still published.

A key is never put back in service: one the database knows as retired or revoked (an old backup
of the key file restored, a leaked key deployed again) signs nothing (``KeyOutOfService``), as
what it signed now would fail verification. ``current`` is the only way to a key that signs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import inspect, select, update

from certificates import signing
from training import audit
from training.certs import keys
from training.columns import utcnow
from training.extensions import db
from training.ob3.models import SigningKey
from training.upserts import dialect_insert
from training.urls import public_url

#: audit events of keys are about a row of signing_key
SUBJECT = "signing_key"


def method_url(key_id: str) -> str:
    """The verification method's id: the public address of that key's Multikey document."""
    return public_url("ob3.key", key_id=key_id)


def current_key_id() -> str:
    """The fingerprint of the key that signs now (no database)."""
    return signing.key_id(keys.public_pem())


#: what to do about a key out of service
ROTATE_ADVICE = "run `flask --app wsgi keys rotate` to make a new one"


class KeyOutOfService(keys.NoSigningKey):
    """The configured key was retired or revoked (``state``, on ``since``): it signs nothing
    more. The message says which key, since when, and what to do."""

    def __init__(self, key_id: str, state: str, since: datetime, in_service: str | None) -> None:
        why = {
            "retired": "when another key took over, so what it signed now would fail verification",
            "revoked": "as compromised, so nothing it signs is trusted",
        }[state]
        then = f" The key in service is {in_service}." if in_service else ""
        super().__init__(
            f"Nothing was signed: the configured signing key {key_id} was {state} on "
            f"{since:%Y-%m-%d}, {why}.{then} Configure the key in service, or {ROTATE_ADVICE}."
        )
        self.key_id, self.state, self.since = key_id, state, since


def current() -> tuple[str, Ed25519PrivateKey]:
    """The key that signs now, and its fingerprint; registered in the open transaction if it
    is new (the caller commits with whatever it signs). KeyOutOfService if the database knows
    it as retired or revoked, after reading the key file again in case another process rotated
    it (``keys.reread_key_file``).

    The key's row is held (FOR SHARE) until the transaction ends, so a rotation retiring it
    waits until what is signed now is stored, and dates the retirement after it."""
    key_id, private_key = _configured()
    refusal = _refusal(key_id)
    if refusal is not None and keys.reread_key_file():
        key_id, private_key = _configured()
        refusal = _refusal(key_id)
    if refusal is not None:
        raise refusal
    return key_id, private_key


def _configured() -> tuple[str, Ed25519PrivateKey]:
    """The key in the configuration and its fingerprint, registered if it is new."""
    private_key = keys.private_key()
    pem = signing.public_key_pem(private_key)
    key_id = signing.key_id(pem)
    register(key_id, pem, how="a new key was set in the configuration")
    return key_id, private_key


def _refusal(key_id: str) -> KeyOutOfService | None:
    """Why the registered key ``key_id`` may not sign (None: it is in service), its row held
    until the transaction ends."""
    row = db.session.execute(
        select(SigningKey.retired_at, SigningKey.revoked_at)
        .where(SigningKey.key_id == key_id)
        .with_for_update(read=True)
    ).one()
    if row.revoked_at is not None:
        state, since = "revoked", row.revoked_at
    elif row.retired_at is not None:
        state, since = "retired", row.retired_at
    else:
        return None
    in_service = db.session.scalar(
        select(SigningKey.key_id).where(SigningKey.retired_at.is_(None)).limit(1)
    )
    return KeyOutOfService(key_id, state, since, in_service)


def register(key_id: str, pem: bytes, *, how: str) -> bool:
    """Record the key ``key_id`` as the one in service (nothing happens if it is known).

    Safe when several servers register it at once: the database keeps one row. A new key
    retires every other key in service, and that rotation is audited, saying ``how``. True if
    this call added it."""
    if db.session.scalar(select(SigningKey.id).where(SigningKey.key_id == key_id)) is not None:
        return False
    row_id = db.session.execute(
        dialect_insert(SigningKey)
        .values(key_id=key_id, public_pem=pem.decode(), created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["key_id"])
        .returning(SigningKey.id)
    ).scalar()
    if row_id is None:
        return False  # another server registered it this moment
    retired = retire_others(key_id)
    if retired:
        audit.record(
            None,
            SUBJECT,
            row_id,
            "key rotated",
            comment=f"Key {key_id} signs from now on ({how}); retired, still published: "
            f"{', '.join(retired)}.",
        )
    return True


def retire_others(key_id: str) -> list[str]:
    """Mark every other key in service as retired now; their fingerprints. Their rows are
    locked first, so "now" comes after whatever a transaction signing with one of them
    (``current``) stores."""
    in_service = list(
        db.session.scalars(
            select(SigningKey.key_id)
            .where(SigningKey.key_id != key_id, SigningKey.retired_at.is_(None))
            .with_for_update()
        )
    )
    if in_service:
        db.session.execute(
            update(SigningKey)
            .where(SigningKey.key_id.in_(in_service), SigningKey.retired_at.is_(None))
            .values(retired_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
    return in_service


def published() -> list[SigningKey]:
    """Every key ever registered, oldest first, and the key in service now even before it has
    signed anything (then a row not saved)."""
    rows = list(
        db.session.scalars(select(SigningKey).order_by(SigningKey.created_at, SigningKey.id))
    )
    try:
        pem = keys.public_pem()
    except keys.NoSigningKey:
        return rows  # nothing signs now; what signed before stays published
    key_id = signing.key_id(pem)
    if all(row.key_id != key_id for row in rows):
        rows.append(SigningKey(key_id=key_id, public_pem=pem.decode()))
    return rows


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Verification method URL -> public key, for every published key that was not revoked
    (what a revoked key signed is trusted no more, here as by any other verifier)."""
    return {
        method_url(row.key_id): public_key(row) for row in published() if row.revoked_at is None
    }


def public_key(row: SigningKey) -> Ed25519PublicKey:
    """The row's public key (parsed once per app and key)."""
    parsed: dict[str, Ed25519PublicKey] = current_app.extensions.setdefault("ob3_public_keys", {})
    found = parsed.get(row.key_id)
    if found is None:
        loaded = serialization.load_pem_public_key(row.public_pem.encode())
        if not isinstance(loaded, Ed25519PublicKey):
            raise ValueError(f"Signing key {row.key_id} is not an Ed25519 key.")
        found = parsed[row.key_id] = loaded
    return found


def find(key_id: str) -> SigningKey | None:
    """The published key of that fingerprint, or None."""
    return next((row for row in published() if row.key_id == key_id), None)


def register_in_service() -> str | None:
    """Register the key in service now and commit (after a migration, at first run, when the
    keys are listed), so it is published before it signs anything here: an operator who swaps
    it before then still has what it signed before verifying. Its fingerprint; None when no key
    is configured or the database has no key table yet (migrated to an older revision). A key
    retired or revoked may not sign: why, and what to do, is said on stderr (to the operator
    running those commands), and None."""
    if "signing_key" not in inspect(db.engine).get_table_names():
        return None
    try:
        key_id, _ = current()
    except KeyOutOfService as refused:
        db.session.rollback()
        print(refused, file=sys.stderr)
        return None
    except keys.NoSigningKey:
        return None
    db.session.commit()
    return key_id


class CannotRevoke(RuntimeError):
    """The key cannot be revoked; the message says why and what to do instead."""


def revoke(key_id: str) -> SigningKey:
    """Declare a retired key compromised: it is left out of the issuer's assertion methods and
    its key document says ``revoked``, so verifiers (ours included) refuse what it signed. Its
    row stays. Audited and committed. The key in service is refused: rotate first."""
    row = db.session.scalar(select(SigningKey).where(SigningKey.key_id == key_id))
    if row is None:
        raise CannotRevoke(
            f"No key {key_id} was ever used here. `flask --app wsgi keys list` shows every key."
        )
    if row.revoked_at is not None:
        raise CannotRevoke(f"Key {key_id} was revoked already, on {row.revoked_at:%Y-%m-%d}.")
    if row.retired_at is None or key_id == current_key_id():
        raise CannotRevoke(
            f"Key {key_id} signs now, so it cannot be revoked. Rotate first (`flask --app wsgi "
            "keys rotate`, or a new CERTIFICATE_SIGNING_KEY and a restart of every app server), "
            "then revoke it. The Open Badges credentials it signed will then fail "
            "verification: re-issue the certificates whose credentials must stay valid."
        )
    row.revoked_at = utcnow()
    audit.record(
        None,
        SUBJECT,
        row.id,
        "key revoked",
        "retired",
        "revoked",
        f"Key {key_id} revoked by an operator: what it signed is no longer trusted.",
    )
    db.session.commit()
    return row


@dataclass(frozen=True)
class Rotation:
    """What ``rotate`` did. ``out_of_service``: "retired" or "revoked" if the key file's key
    could not sign any more (restored from a backup), None if it was the key in service."""

    old_key_id: str
    new_key_id: str
    path: str
    out_of_service: str | None = None


class CannotRotate(RuntimeError):
    """The key is not one this app may replace; the message says what to do instead."""


def rotate() -> Rotation:
    """Replace the key file's key with a new one; the old one stays published, retired.

    First the key in service is registered (committed), so its public half is kept whatever
    happens next; then the new key is written to the key file, in one step; then it is
    registered, which retires the old one, and that is audited and committed. The old private
    key is not kept anywhere: nothing can sign with it again."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if keys.from_setting(app):
        raise CannotRotate(
            "The signing key comes from the CERTIFICATE_SIGNING_KEY setting, which this command "
            "cannot change. To rotate it: make a new key (python -c 'from certificates.signing "
            "import new_private_key_pem as n; print(n().decode())'), put it in "
            "CERTIFICATE_SIGNING_KEY and restart every app server. The first one to sign with "
            "it registers it and retires the old key, which stays published (it is in the "
            "database), so everything signed before keeps verifying."
        )
    path = keys.key_path(app)
    if not path.is_file():
        raise CannotRotate(
            f"There is no key file at {path}. Run `python -m training.firstrun` to make one, or "
            "set CERTIFICATE_SIGNING_KEY_FILE."
        )
    old_key_id, _ = _configured()  # even one that may not sign any more: this replaces it
    refusal = _refusal(old_key_id)
    db.session.commit()
    new_pem = signing.new_private_key_pem()
    keys.replace_key_file(app, new_pem)
    new_public = signing.public_key_pem(signing.load_private_key(new_pem))
    new_key_id = signing.key_id(new_public)
    register(new_key_id, new_public, how="flask keys rotate")
    db.session.commit()
    app.extensions.pop("ob3_status_lists", None)
    return Rotation(
        old_key_id=old_key_id,
        new_key_id=new_key_id,
        path=str(path),
        out_of_service=refusal.state if refusal is not None else None,
    )


def retired_times() -> dict[str, datetime]:
    """Verification method URL -> when that key was retired, for every retired key (a proof
    it made later is not accepted on our own verification page)."""
    return {
        method_url(row.key_id): row.retired_at for row in published() if row.retired_at is not None
    }
