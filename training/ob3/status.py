"""The revocation status lists: which credentials are revoked, as one signed bitstring per list.

A credential's bit is set when its certificate is revoked or superseded (replaced by a re-issue
or renewal): the bits are read from the certificates themselves, so nothing else has to remember
to flip them. Each request counts the certificates that have ended (an index, under a
millisecond) and the credentials, and reads the bits again whenever either number changed, so
a revocation shows in the list at once.

Signing a list costs a canonicalisation, so the signed list is kept in this process, keyed by
the list, a digest of its set bits and the key that signs: an unchanged list is served as it
was signed, while the database still has that key in service; a changed one (or a new key, or
one another process retired or revoked) is signed again on the next request.

Positions are drawn at random (``certificates.ob3.status_list.random_index``). A list takes new
credentials until half of its positions are used (``FILL_LIMIT``), so a free one is found in a
draw or two; then credentials go to the next list.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import exists, func, or_, select

from certificates.ob3 import proof, status_list
from training.columns import utcnow
from training.extensions import db
from training.models import Certificate
from training.ob3 import signing_keys
from training.ob3.models import OpenBadge, SigningKey
from training.urls import public_url

FIRST_LIST = 1
#: a list takes new credentials until this many of its positions are used
FILL_LIMIT = status_list.LIST_BITS // 2
#: draws of a random position before giving up (each is free with odds of at least one half)
DRAWS = 64
#: where the signed lists are kept, per app
CACHE = "ob3_status_lists"
#: where the set positions of every list are kept, per app, with the ``_state`` they were read at
BITS_CACHE = "ob3_status_bits"


class NoFreePosition(RuntimeError):
    pass


def list_url(list_id: int) -> str:
    return public_url("ob3.status_list", list_id=list_id)


def list_id_of(url: str) -> int | None:
    """The number of our list at ``url``, or None if it is not the address of one of ours."""
    prefix = list_url(FIRST_LIST).removesuffix(str(FIRST_LIST))
    rest = url.removeprefix(prefix) if url.startswith(prefix) else ""
    if not rest.isascii() or not rest.isdigit() or rest.startswith("0"):
        return None
    list_id = int(rest)
    return list_id if served(list_id) else None


def served(list_id: int) -> bool:
    """The first list is always published (empty until credentials are issued); a later one
    once a credential names it."""
    if list_id == FIRST_LIST:
        return True
    if list_id < FIRST_LIST:
        return False
    return bool(db.session.scalar(select(exists().where(OpenBadge.status_list == list_id))))


def list_for_new() -> int:
    """The list a new credential goes in: the newest, unless it is half full."""
    newest = db.session.scalar(select(func.max(OpenBadge.status_list))) or FIRST_LIST
    used = db.session.scalar(
        select(func.count()).select_from(OpenBadge).where(OpenBadge.status_list == newest)
    )
    return newest if (used or 0) < FILL_LIMIT else newest + 1


def free_index(list_id: int) -> int:
    """A random position of the list no credential holds (another may take it before this
    transaction commits: the unique constraint then refuses one, which draws again)."""
    for _ in range(DRAWS):
        index = status_list.random_index()
        taken = db.session.scalar(
            select(
                exists().where(OpenBadge.status_list == list_id, OpenBadge.status_index == index)
            )
        )
        if not taken:
            return index
    raise NoFreePosition(f"No free position found in status list {list_id}.")


def _ended():  # type: ignore[no-untyped-def]
    return or_(Certificate.revoked_at.is_not(None), Certificate.superseded_at.is_not(None))


def set_bits(list_id: int) -> list[int]:
    """The positions of the list whose credential's certificate was revoked or superseded."""
    return _bits_and_digest(list_id)[0]


def _bits_and_digest(list_id: int) -> tuple[list[int], str]:
    """The list's set positions and a digest of them. They are read again only when
    ``_state`` changed: otherwise those read last time (by this process) are still right.
    (Read first, then the bits: a change between the two shows as a changed state next time.)"""
    state = _state()
    kept = current_app.extensions.get(BITS_CACHE)
    if kept is None or kept[0] != state:
        kept = (state, _read_set_bits())
        current_app.extensions[BITS_CACHE] = kept
    return kept[1].get(list_id, ([], _digest([])))


def _state() -> tuple[int, int]:
    """How many certificates have ended, and how many credentials there are, in one snapshot.
    The set bits can only have changed if one of these did: a certificate ends once (revoked,
    or replaced) and never comes back, and credentials are never deleted, so a credential
    stored after the bits were read (even one whose certificate had ended: it cannot, as
    ``credentials.credential_for`` and a revocation take turns, but nothing here relies on it)
    changes the second number.

    Both are counted from indexes (``ix_certificate_ended``, the credentials' primary key):
    a millisecond or two for ten thousand."""
    ended = select(func.count()).select_from(Certificate).where(_ended()).scalar_subquery()
    stored = select(func.count()).select_from(OpenBadge).scalar_subquery()
    row = db.session.connection().execute(select(ended, stored)).one()
    return int(row[0]), int(row[1])


def _digest(bits: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, bits)).encode()).hexdigest()[:32]


def _read_set_bits() -> dict[int, tuple[list[int], str]]:
    """The set positions of every list, read from the certificates that ended
    (``ix_certificate_ended``) to their credentials, never through every credential: written
    as ``IN (subquery)``, which SQLite plans that way without statistics (a join, or a filter
    on the list, made it read every credential)."""
    ended = select(Certificate.id).where(_ended())
    found: dict[int, list[int]] = {}
    for list_id, index in db.session.connection().execute(
        select(OpenBadge.status_list, OpenBadge.status_index).where(
            OpenBadge.certificate_id.in_(ended)
        )
    ):
        found.setdefault(list_id, []).append(index)
    return {
        list_id: (sorted(indices), _digest(sorted(indices))) for list_id, indices in found.items()
    }


def revoked(url: str, index: int) -> bool | None:
    """Whether the list at ``url`` has the bit at ``index`` set: what the signed list says,
    read from the database. None (unknown) if ``url`` is not one of our lists, or ``index`` is
    not a position in one (a list has ``LIST_BITS`` of them, from 0)."""
    if type(index) is not int or not 0 <= index < status_list.LIST_BITS:
        return None
    list_id = list_id_of(url)
    if list_id is None:
        return None
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(OpenBadge.status_list == list_id, OpenBadge.status_index == index)
                .where(OpenBadge.certificate_id == Certificate.id, _ended())
            )
        )
    )


@dataclass(frozen=True)
class SignedList:
    """A signed list as served: the document, its JSON and a tag that changes with it."""

    document: dict
    body: bytes
    etag: str


def signed_list(list_id: int) -> dict:
    """The signed BitstringStatusListCredential of ``list_id``."""
    return published(list_id).document


def published(list_id: int) -> SignedList:
    """The list as served, signed again only when its bits or the signing key changed. Signing
    registers the key (the caller commits: ``publishing_views``)."""
    bits, digest = _bits_and_digest(list_id)
    key_id = signing_keys.current_key_id()
    cache: dict[int, tuple[str, str, SignedList]] = current_app.extensions.setdefault(CACHE, {})
    kept = cache.get(list_id)
    if kept is not None and kept[:2] == (digest, key_id) and _in_service(key_id):
        return kept[2]
    key_id, private_key = signing_keys.current()
    now = utcnow()
    url = list_url(list_id)
    unsigned = status_list.list_credential(
        url, public_url("ob3.issuer"), status_list.encode(bits), valid_from=now
    )
    document = proof.sign(unsigned, private_key, signing_keys.method_url(key_id), created=now)
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    signed = SignedList(document, body, f"{list_id}-{digest}-{key_id}")
    cache[list_id] = (digest, key_id, signed)
    return signed


def _in_service(key_id: str) -> bool:
    """Whether the database still has ``key_id`` in service (registered, neither retired nor
    revoked): one select by its unique fingerprint. The key this process loaded may have been
    rotated and revoked by another (``keys rotate``, ``keys revoke``) since it signed the list
    kept here; then the list is signed again through ``signing_keys.current``, which reads the
    key file again or refuses."""
    row = db.session.execute(
        select(SigningKey.retired_at, SigningKey.revoked_at).where(SigningKey.key_id == key_id)
    ).one_or_none()
    return row is not None and row.retired_at is None and row.revoked_at is None
