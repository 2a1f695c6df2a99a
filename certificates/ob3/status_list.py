"""Revocation that travels: a W3C Bitstring Status List (v1.0), so any verifier can tell whether a
credential was revoked without asking this site about that one credential.

Every credential names a list (a URL) and its own position in it (``statusListIndex``). The list
itself is a signed credential holding one bit per position, gzipped and base64url-encoded: a bit
set to 1 means the credential at that position is revoked. A verifier downloads the whole list,
so the site never learns which credential is being checked.

Two rules from the specification's privacy advice are kept here:

* a list is at least 131,072 bits (16 KiB) long (``LIST_BITS``), so one list hides each holder
  among many;
* positions are handed out at random (``random_index``, from ``secrets``), so a position says
  nothing about when a credential was issued or whose it is.

Bit order: position 0 is the leftmost, most significant bit of the first byte. The encoded list
is the multibase letter "u" followed by the base64url (no padding) of the gzipped bits.
"""

from __future__ import annotations

import base64
import gzip
import random
import secrets
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime

from certificates.ob3.contexts import CREDENTIALS_V2

#: the bits in one list: the specification's minimum, for herd privacy
LIST_BITS = 131_072
#: a list this site reads back may grow to this many bytes once unzipped, and no further (a
#: small download must not unzip into gigabytes)
MAX_LIST_BYTES = 16 * 1024 * 1024
PURPOSE = "revocation"


def random_index(rng: random.Random | None = None) -> int:
    """A position in a list, chosen at random: from ``secrets`` unless a test passes ``rng``."""
    if rng is not None:
        return rng.randrange(LIST_BITS)
    return secrets.randbelow(LIST_BITS)


def encode(set_bits: Iterable[int], size: int = LIST_BITS) -> str:
    """The ``encodedList`` of a list of ``size`` bits with the given positions set to 1."""
    if size <= 0 or size % 8:
        raise ValueError(f"A status list must be a whole number of bytes long, not {size} bits.")
    bits = bytearray(size // 8)
    for index in set_bits:
        if not 0 <= index < size:
            raise ValueError(f"Position {index} is outside a status list of {size} positions.")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same bits always give the same text (and the same signed list)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    """The raw bits of an ``encodedList``. ValueError, in plain words, if it is not one."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("The status list is not in the expected form (base64url text, 'u…').")
    text = encoded[1:]
    try:
        packed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except ValueError as error:
        raise ValueError("The status list is not valid base64url text.") from error
    unzip = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing
    try:
        bits = unzip.decompress(packed, MAX_LIST_BYTES)
    except zlib.error as error:
        raise ValueError("The status list is not valid gzip data.") from error
    if unzip.unconsumed_tail:
        raise ValueError("The status list is too long to read.")
    if not unzip.eof:
        raise ValueError("The status list is cut short.")
    return bits


def is_set(encoded: str, index: int) -> bool:
    """Whether the bit at ``index`` is 1 (for a revocation list: the credential is revoked)."""
    bits = decode(encoded)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("A position in a status list is a whole number from 0 up.")
    if index >= len(bits) * 8:
        raise ValueError(
            f"Position {index} is beyond the end of the status list ({len(bits) * 8} positions)."
        )
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def entry(list_url: str, index: int) -> dict:
    """A credential's ``credentialStatus``: which list to read, and which position in it."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def list_credential(list_url: str, issuer_id: str, encoded: str, valid_from: datetime) -> dict:
    """The unsigned BitstringStatusListCredential published at ``list_url``."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": utc_text(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encoded,
        },
    }


def utc_text(moment: datetime) -> str:
    """A date and time as VC 2.0 writes it, in UTC to the second: "2025-03-01T09:30:00Z"."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A credential's dates must say their time zone (use UTC).")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
