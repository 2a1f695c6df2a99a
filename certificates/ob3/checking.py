"""Checking a credential someone pasted or uploaded, the way an employer needs it: a short list of
checks, each one plain sentence saying what was found, and the credential's main facts.

The checks, each made whatever the others found (so the page can say everything that is wrong):

1. **Format**: an Open Badges 3.0 credential whose JSON-LD contexts this site holds (a context
   it does not hold is never fetched, so such a credential cannot be checked here).
2. **Issuer**: issued by this program (``issuer.id`` is ours).
3. **Signature**: the ``eddsa-rdfc-2022`` proof holds with the key its ``verificationMethod``
   names, which must be one this program publishes (current or retired by a rotation).
4. **Dates**: now is within ``validFrom`` … ``validUntil``.
5. **Revocation**: its bit in the revocation list (Bitstring Status List) is not set.

Any JSON at all may come in (not an object, fields missing or of the wrong type): every such
case is a failing check with a reason, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.ob3 import contexts, proof

FORMAT, ISSUER, SIGNATURE, DATES, REVOCATION = (
    "Format",
    "Issuer",
    "Signature",
    "Dates",
    "Revocation",
)
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
#: a value quoted back in a message is cut to this many characters
QUOTE_LENGTH = 80
#: more JSON objects than this and a credential is not checked: ours hold about 15, and
#: canonicalising a hostile one with thousands of blank nodes could keep the server busy
MAX_OBJECTS = 200
#: a position in a status list, as the entry writes it (digits, as text)
_INDEX = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass(frozen=True)
class Outcome:
    checks: tuple[Check, ...]
    holder_name: str | None
    achievement_name: str | None
    issuer_name: str | None
    valid_from: str | None
    valid_until: str | None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)


def check_credential(
    credential: Any,
    *,
    issuer_id: str,
    public_keys: Mapping[str, Ed25519PublicKey],
    revoked: Callable[[str, int], bool | None],
    now: datetime,
) -> Outcome:
    """Every check on ``credential`` (any parsed JSON), and the facts it states."""
    if not isinstance(credential, dict):
        failed = Check(FORMAT, False, "This is not a credential: a credential is a JSON object.")
        return Outcome((failed,), None, None, None, None, None)
    form = _format(credential)
    checks = (
        form,
        _issuer(credential, issuer_id),
        _signature(credential, public_keys, form_ok=form.ok),
        _dates(credential, now),
        _revocation(credential, revoked),
    )
    subject = _dict(credential.get("credentialSubject"))
    return Outcome(
        checks=checks,
        holder_name=_text(subject.get("name")),
        achievement_name=_text(_dict(subject.get("achievement")).get("name")),
        issuer_name=_text(_dict(credential.get("issuer")).get("name")),
        valid_from=_text(credential.get("validFrom")),
        valid_until=_text(credential.get("validUntil")),
    )


@cache
def _held_contexts() -> frozenset[str]:
    return frozenset(contexts.shipped())


def _format(credential: dict) -> Check:
    if "@context" not in credential:
        return Check(FORMAT, False, "It is not a credential: it has no @context.")
    if _objects_in(credential) > MAX_OBJECTS:
        return Check(
            FORMAT, False, "It is far larger than any credential this program issues: not checked."
        )
    listed = credential["@context"]
    listed = listed if isinstance(listed, list) else [listed]
    unknown = [c for c in listed if not isinstance(c, str) or c not in _held_contexts()]
    if unknown:
        which = _quote(unknown[0]) if isinstance(unknown[0], str) else "one written inline"
        return Check(
            FORMAT,
            False,
            f"It uses a JSON-LD context this site does not hold ({which}), so it cannot be "
            "checked here.",
        )
    if listed[:1] != [contexts.CREDENTIALS_V2] or contexts.OB_V3 not in listed:
        return Check(
            FORMAT,
            False,
            "It is not an Open Badges 3.0 credential (its @context does not start with the "
            "Verifiable Credentials 2.0 context followed by the Open Badges 3.0 one).",
        )
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types or not CREDENTIAL_TYPES & {
        t for t in types if isinstance(t, str)
    }:
        return Check(
            FORMAT,
            False,
            "It is not an Open Badges credential: its type does not say OpenBadgeCredential.",
        )
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        return Check(FORMAT, False, "It does not say who earned what (no single holder).")
    return Check(FORMAT, True, "It is an Open Badges 3.0 credential.")


def _issuer(credential: dict, issuer_id: str) -> Check:
    issuer = credential.get("issuer")
    found = issuer.get("id") if isinstance(issuer, dict) else issuer
    if found == issuer_id:
        name = _text(_dict(issuer).get("name"))
        return Check(ISSUER, True, f"It was issued by {name}." if name else "It was issued here.")
    if not isinstance(found, str) or not found:
        return Check(ISSUER, False, "It does not say who issued it.")
    return Check(
        ISSUER, False, f"It was not issued by this program (its issuer is {_quote(found)})."
    )


def _signature(
    credential: dict, public_keys: Mapping[str, Ed25519PublicKey], *, form_ok: bool
) -> Check:
    if "proof" not in credential:
        return Check(SIGNATURE, False, "It is not signed, so anyone could have written it.")
    try:
        method = proof.verification_method_of(credential)
    except proof.ProofError as error:
        return Check(SIGNATURE, False, str(error))
    key = public_keys.get(method)
    if key is None:
        return Check(
            SIGNATURE,
            False,
            "It was signed with a key this program does not publish, so the signature cannot "
            "be trusted.",
        )
    if not form_ok:
        return Check(SIGNATURE, False, "Its signature cannot be checked until its format is right.")
    try:
        proof.verify(credential, key)
    except proof.ProofError:
        return Check(
            SIGNATURE,
            False,
            "It was changed after it was signed, or it was not signed by this program's key.",
        )
    except Exception:  # any input gets an answer, never an error page
        return Check(SIGNATURE, False, "Its signature could not be checked: the JSON is malformed.")
    return Check(
        SIGNATURE,
        True,
        "The signature matches: nothing in it was changed since the program signed it.",
    )


def _dates(credential: dict, now: datetime) -> Check:
    try:
        return _within_dates(credential, now if now.tzinfo else now.replace(tzinfo=UTC))
    except (OverflowError, ValueError):  # a date at the very edge of the calendar
        return Check(DATES, False, "Its dates cannot be read.")


def _within_dates(credential: dict, now: datetime) -> Check:
    start = _moment(credential.get("validFrom"))
    if start is None:
        return Check(DATES, False, "It does not say, in a date we can read, from when it is valid.")
    end = None
    if "validUntil" in credential:
        end = _moment(credential.get("validUntil"))
        if end is None:
            return Check(DATES, False, "Its end date cannot be read.")
    if now < start:
        return Check(DATES, False, f"It is not valid yet: it starts on {_day(start)}.")
    if end is not None and now > end:
        return Check(DATES, False, f"It expired on {_day(end)}.")
    if end is None:
        return Check(DATES, True, f"It is valid from {_day(start)} and does not expire.")
    return Check(
        DATES, True, f"It is within its dates: valid from {_day(start)} until {_day(end)}."
    )


def _revocation(credential: dict, revoked: Callable[[str, int], bool | None]) -> Check:
    entries = credential.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries]
    entry = next(
        (
            e
            for e in entries
            if isinstance(e, dict)
            and e.get("type") == "BitstringStatusListEntry"
            and e.get("statusPurpose") == "revocation"
        ),
        None,
    )
    if entry is None:
        return Check(
            REVOCATION,
            False,
            "It does not say where its revocation is published, so whether it was revoked "
            "cannot be checked.",
        )
    list_url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    if not isinstance(list_url, str) or not isinstance(index, str) or not _INDEX.fullmatch(index):
        return Check(REVOCATION, False, "Its revocation entry is malformed.")
    try:
        answer = revoked(list_url, int(index))
    except Exception:  # the list could not be read: say so
        answer = None
    if answer is None:
        return Check(
            REVOCATION,
            False,
            "Its revocation list is not one this program publishes, so whether it was revoked "
            "cannot be checked.",
        )
    if answer:
        return Check(REVOCATION, False, "It has been revoked by the program: it no longer counts.")
    return Check(REVOCATION, True, "It has not been revoked.")


def _objects_in(value: Any) -> int:
    """How many JSON objects ``value`` holds, itself included (counted without recursion, so
    however deep it nests)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += 1
            if count > MAX_OBJECTS:
                break
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(moment: datetime) -> str:
    """A date as an employer reads it: "1 March 2026" (in UTC)."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}"


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _quote(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"
