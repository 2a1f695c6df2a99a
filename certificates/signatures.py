"""Where a trainee stands with each of a track's attestations, and whether a typed name signs as
their account's name. Pure: the web app reads the signatures (``training.attestations``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from certificates.tracks import Attestation


def _comparable(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def same_name(typed: str, account_name: str) -> bool:
    """Whether ``typed`` is the account's name, in any case and with any spacing ("  riley
    CHEN" signs as "Riley Chen"); an empty name never signs."""
    wanted = _comparable(account_name)
    return bool(wanted) and _comparable(typed) == wanted


@dataclass(frozen=True)
class Signed:
    """One stored signature, as far as standing needs it."""

    version: str
    signed_at: datetime


#: the kinds of standing, in words the pages build on
SIGNED, SIGN_AGAIN, CHANGED, NOT_SIGNED = "signed", "sign_again", "changed", "not_signed"


@dataclass(frozen=True)
class Standing:
    """One attestation as the trainee sees it.

    ``status`` is ``signed`` (the current text, and again since ``renewing_since`` when
    renewing), ``sign_again`` (signed, but renewing asks for it again), ``changed`` (an earlier
    text was signed) or ``not_signed``. ``signed_at`` is the latest signature of the current text,
    ``earlier_signed_at`` the latest of an older text."""

    attestation: Attestation
    status: str
    signed_at: datetime | None = None
    earlier_signed_at: datetime | None = None

    @property
    def needs_signing(self) -> bool:
        return self.status != SIGNED


def standing(
    attestation: Attestation, signatures: Iterable[Signed], renewing_since: datetime | None = None
) -> Standing:
    """Where the trainee stands with ``attestation`` given their signatures of it (any version).
    ``renewing_since``: they are renewing a certificate issued then, and the track asks them to
    sign again, so only a signature after it counts."""
    current = [s.signed_at for s in signatures if s.version == attestation.version]
    older = [s.signed_at for s in signatures if s.version != attestation.version]
    latest = max(current, default=None)
    earlier = max(older, default=None)
    if latest is not None:
        if renewing_since is not None and latest <= renewing_since:
            return Standing(attestation, SIGN_AGAIN, latest, earlier)
        return Standing(attestation, SIGNED, latest, earlier)
    if earlier is not None:
        return Standing(attestation, CHANGED, None, earlier)
    return Standing(attestation, NOT_SIGNED)
