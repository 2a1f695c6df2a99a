"""A certificate's transcript is kept out of its signed payload, which signs the transcript's
SHA-256 digest instead (``transcript_sha256``: over the transcript's lines written as canonical
JSON, ``certificates.signing.canonical``); the transcript is stored beside the payload, so it
can be withheld once the certificate is revoked or replaced while the signature still checks.

Here: the digest, and reading a transcript back only if it is the one signed. Certificates
signed before the digest carry their transcript inline in the payload, signed with it; they
still read. (``certificates.transcript`` turns the lines into ``TranscriptLine``s.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from certificates.signing import canonical

#: the payload key that signs the transcript's digest
TRANSCRIPT_DIGEST = "transcript_sha256"


class TranscriptMismatch(ValueError):
    """A transcript that is not the one the certificate signed: changed, or missing."""


def transcript_sha256(lines: Sequence[Mapping[str, Any]]) -> str:
    """The hex SHA-256 of the transcript's lines (as ``TranscriptLine.as_payload`` writes them)
    in the canonical JSON signatures use (``certificates.signing.canonical``)."""
    return hashlib.sha256(canonical(list(lines))).hexdigest()  # type: ignore[arg-type]


def has_transcript(payload: Mapping[str, Any]) -> bool:
    """Whether the certificate signed a transcript, by its digest or (before digests) inline."""
    return isinstance(payload.get(TRANSCRIPT_DIGEST), str) or isinstance(
        payload.get("transcript"), list
    )


def signed_transcript(payload: Mapping[str, Any], stored: Any = None) -> list[Any] | None:
    """The transcript's lines as the certificate signed them (plain JSON), or None for a
    certificate signed before transcripts were. A payload that signs the digest needs the
    transcript stored beside it (``stored``: its JSON text, or the parsed list), and gets it
    only if its digest is the one signed; else TranscriptMismatch. An older payload's inline
    transcript is signed with it, and ``stored`` is not consulted."""
    digest = payload.get(TRANSCRIPT_DIGEST)
    if not isinstance(digest, str):
        inline = payload.get("transcript")
        return inline if isinstance(inline, list) else None
    lines = stored
    if isinstance(stored, (str, bytes)):
        try:
            lines = json.loads(stored)
        except ValueError:
            lines = None
    if not isinstance(lines, list):
        raise TranscriptMismatch("the transcript the certificate signed is missing")
    if transcript_sha256(lines) != digest:
        raise TranscriptMismatch("the transcript is not the one the certificate signed")
    return lines
