"""Reading the fields of a credential someone sent, whatever JSON it holds: each reader takes
any value and answers with what it found or None (an empty dict, an empty tuple), never an
exception.

``checking`` uses them for its checks and for the facts the page shows; the page itself
(``training.ob3.verify_views``) uses ``readable_date`` and ``email_matches``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from certificates.hours import long_date
from certificates.ob3.credential import identity_hash

#: a value quoted back in a message is cut to this many characters
QUOTE_LENGTH = 80
#: the evidence narrative's first line names the certificate (``credential.evidence_narrative``)
_CODE_LINE = re.compile(r"Certificate code: ([0-9A-Z]{1,5}(?:-[0-9A-Z]{1,5}){0,5})\.")


def as_dict(value: Any) -> dict:
    """``value`` if it is a JSON object, else an empty one (so that ``.get`` reads None)."""
    return value if isinstance(value, dict) else {}


def as_text(value: Any) -> str | None:
    """``value`` if it is a string, else None."""
    return value if isinstance(value, str) else None


def quoted(value: Any) -> str:
    """``value`` as a message shows it: the text itself (anything else as Python writes it),
    cut to ``QUOTE_LENGTH`` characters."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def moment(value: Any) -> datetime | None:
    """An ISO 8601 date and time (in UTC when it names no time zone); None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def day(when: datetime) -> str:
    """A date as an employer reads it: "1 March 2026" (in UTC)."""
    return long_date(when.astimezone(UTC))


def readable_date(text: str | None) -> str | None:
    """A date the credential states, as people write it ("30 November 2028", in UTC); as
    written if it cannot be read as a date."""
    if text is None:
        return None
    try:
        found = moment(text)
        return day(found) if found is not None else text
    except (OverflowError, ValueError):  # at the very edge of the calendar
        return text


def issuer_named(credential: dict) -> str | None:
    """The issuer's id the credential states (its ``issuer``, or that object's ``id``)."""
    issuer = credential.get("issuer")
    found = issuer.get("id") if isinstance(issuer, dict) else issuer
    return found if isinstance(found, str) and found else None


def certificate_code(credential: dict) -> str | None:
    """The certificate code the evidence names (its narrative's first line), if any."""
    evidence = credential.get("evidence")
    for item in evidence if isinstance(evidence, list) else [evidence]:
        narrative = as_text(as_dict(item).get("narrative")) or ""
        match = _CODE_LINE.fullmatch(narrative.split("\n", 1)[0].strip())
        if match:
            return match.group(1)
    return None


def criteria_lines(achievement: dict) -> tuple[str, ...]:
    """The achievement's criteria, one line each (blank lines left out)."""
    narrative = as_text(as_dict(achievement.get("criteria")).get("narrative")) or ""
    return tuple(line.strip() for line in narrative.splitlines() if line.strip())


def email_matches(credential: Any, email: str) -> bool | None:
    """Whether ``email`` is the address the credential names its holder by (the salted hash it
    holds is that of ``email``); None when it names its holder by no hashed email address (a
    DID instead). Only worth asking of a genuine credential (``Outcome.genuine``)."""
    subject = as_dict(as_dict(credential).get("credentialSubject"))
    found = subject.get("identifier")
    for item in found if isinstance(found, list) else [found]:
        item = as_dict(item)
        salt, hashed = item.get("salt"), item.get("identityHash")
        hashed_email = item.get("identityType") == "emailAddress" and item.get("hashed") is True
        if hashed_email and isinstance(salt, str) and isinstance(hashed, str):
            return identity_hash(email, salt) == hashed  # both public: no timing to hide
    return None
