"""Checking a credential someone pasted or uploaded, the way an employer needs it: a short list of
checks, each one plain sentence saying what was found, and the credential's main facts.

The checks, each made whatever the others found (so the page can say everything that is wrong):

1. **Format**: an Open Badges 3.0 credential whose JSON-LD contexts this site holds (a context
   it does not hold is never fetched, so such a credential cannot be checked here), within the
   bounds and written in the plain shape of ours (``input_limits``: checked before anything is
   canonicalised, so that no field can be moved out of this module's sight while the
   signature still holds).
2. **Issuer**: issued by this program (``issuer.id`` is ours).
3. **Signature**: the ``eddsa-rdfc-2022`` proof holds with the key its ``verificationMethod``
   names, which must be one this program publishes (current or retired by a rotation); a
   retired key's proof must have been made before it was retired.
4. **Dates**: now is within ``validFrom`` … ``validUntil`` (both required: ours have both).
5. **Revocation**: its bit in the revocation list (Bitstring Status List) is not set.

Any JSON at all may come in (not an object, fields missing or of the wrong type): every such
case is a failing check with a reason, never an exception.

Besides the checks, the outcome holds what the page shows of the credential: the holder, the
certificate's name, the issuer and the dates; and, only when the issuer and signature checks
pass (so the program wrote them), the certificate code and the criteria lines. A credential
that fails nothing but its end date is genuine but expired (``Outcome.expired_only``), which
the page says apart from a credential that cannot be trusted. The fields themselves are read
by ``reading``, which never fails on any JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.ob3 import contexts, input_limits, proof, reading, status_list

#: how the dates check's message starts when the end date has passed
EXPIRED = "It expired on"
FORMAT, ISSUER, SIGNATURE, DATES, REVOCATION = (
    "Format",
    "Issuer",
    "Signature",
    "Dates",
    "Revocation",
)
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
#: a position in a status list, as the entry writes it (digits, as text)
_INDEX = re.compile(r"[0-9]{1,12}")
#: where to check a certificate by its code, when the caller does not say
CODE_CHECK_PATH = "/verify"


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
    #: only when the issuer and signature checks pass: the certificate code (as printed) and
    #: the criteria, one line each, as the program signed them
    certificate_code: str | None = None
    criteria_lines: tuple[str, ...] = ()
    #: its end date has passed (the dates check failed for that reason)
    expired: bool = False
    #: the issuer it names, when that is not this program
    foreign_issuer: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def genuine(self) -> bool:
        """Issued by this program and unchanged since it signed it (whatever its dates and
        status): only then is what it says the program's own words."""
        passed = {check.name for check in self.checks if check.ok}
        return {ISSUER, SIGNATURE} <= passed

    @property
    def expired_only(self) -> bool:
        """Genuine, from this program, not withdrawn, but past its end date."""
        return self.expired and all(check.ok for check in self.checks if check.name != DATES)


def check_credential(
    credential: Any,
    *,
    issuer_id: str,
    public_keys: Mapping[str, Ed25519PublicKey],
    revoked: Callable[[str, int], bool | None],
    now: datetime,
    code_check_url: str = CODE_CHECK_PATH,
    retired_at: Mapping[str, datetime] | None = None,
) -> Outcome:
    """Every check on ``credential`` (any parsed JSON), and the facts it states.
    ``code_check_url`` is where a withdrawn credential's message sends the reader to check the
    holder's current certificate code; ``retired_at`` says when each retired key (by its
    verification method id) was retired."""
    if not isinstance(credential, dict):
        failed = Check(FORMAT, False, "This is not a credential: a credential is a JSON object.")
        return Outcome((failed,), None, None, None, None, None)
    form = _format(credential)
    issuer = _issuer(credential, issuer_id)
    signature = _signature(credential, public_keys, retired_at or {}, form_ok=form.ok)
    dates = _dates(credential, now)
    checks = (form, issuer, signature, dates, _revocation(credential, revoked, code_check_url))
    subject = reading.as_dict(credential.get("credentialSubject"))
    achievement = reading.as_dict(subject.get("achievement"))
    ours = issuer.ok and signature.ok  # only then is what it says the program's own words
    return Outcome(
        checks=checks,
        holder_name=reading.as_text(subject.get("name")),
        achievement_name=reading.as_text(achievement.get("name")),
        issuer_name=reading.as_text(reading.as_dict(credential.get("issuer")).get("name")),
        valid_from=reading.as_text(credential.get("validFrom")),
        valid_until=reading.as_text(credential.get("validUntil")),
        certificate_code=reading.certificate_code(credential) if ours else None,
        criteria_lines=reading.criteria_lines(achievement) if ours else (),
        expired=not dates.ok and dates.message.startswith(EXPIRED),
        foreign_issuer=reading.issuer_named(credential) if not issuer.ok else None,
    )


@cache
def _held_contexts() -> frozenset[str]:
    return frozenset(contexts.shipped())


def _format(credential: dict) -> Check:
    if "@context" not in credential:
        return Check(
            FORMAT,
            False,
            'This is not a credential we can check (it lacks the "@context" line every '
            "credential starts with).",
        )
    refused = input_limits.refusal(credential)
    if refused is not None:
        return Check(FORMAT, False, refused)
    listed = credential["@context"]
    listed = listed if isinstance(listed, list) else [listed]
    unknown = [c for c in listed if not isinstance(c, str) or c not in _held_contexts()]
    if unknown:
        which = reading.quoted(unknown[0]) if isinstance(unknown[0], str) else "one written inline"
        return Check(
            FORMAT,
            False,
            "It is in a format this page cannot check (technical detail: unknown JSON-LD "
            f"context {which}).",
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
    found = reading.issuer_named(credential)
    if found is None:
        return Check(ISSUER, False, "It does not say who issued it.")
    if found == issuer_id:
        name = reading.as_text(reading.as_dict(credential.get("issuer")).get("name"))
        return Check(
            ISSUER, True, f"It was issued by {name}." if name else "It was issued by this program."
        )
    return Check(
        ISSUER, False, f"It was not issued by this program (its issuer is {reading.quoted(found)})."
    )


def _signature(
    credential: dict,
    public_keys: Mapping[str, Ed25519PublicKey],
    retired_at: Mapping[str, datetime],
    *,
    form_ok: bool,
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
    if method in retired_at:
        late = _signed_after_retirement(credential, retired_at[method])
        if late is not None:
            return late
    try:
        proof.verify(credential, key)
    except proof.ProofError:
        return Check(
            SIGNATURE,
            False,
            "It was changed after the program signed it, or the program did not sign it. Do not "
            "rely on it.",
        )
    except Exception:  # any input gets an answer, never an error page
        return Check(SIGNATURE, False, "Its signature could not be checked: the JSON is malformed.")
    return Check(
        SIGNATURE,
        True,
        "The signature matches: nothing in it was changed since the program signed it.",
    )


def _signed_after_retirement(credential: dict, retired: datetime) -> Check | None:
    """A failing check if the proof was made after its key was retired (or does not say when
    it was made): a retired key, even one that leaked, signs nothing that passes here."""
    found = credential.get("proof")
    found = found[0] if isinstance(found, list) and len(found) == 1 else found
    created = reading.moment(reading.as_dict(found).get("created"))
    if created is None:
        return Check(
            SIGNATURE,
            False,
            "Its signature does not say when it was made, and the key that made it has been "
            "retired, so the signature cannot be trusted.",
        )
    retired = retired if retired.tzinfo else retired.replace(tzinfo=UTC)
    if created <= retired:
        return None
    return Check(
        SIGNATURE,
        False,
        f"It was signed on {reading.day(created)} with a key the program had retired on "
        f"{reading.day(retired)}; a retired key signs nothing new, so this signature cannot be "
        "trusted.",
    )


def _dates(credential: dict, now: datetime) -> Check:
    try:
        return _within_dates(credential, now if now.tzinfo else now.replace(tzinfo=UTC))
    except (OverflowError, ValueError):  # a date at the very edge of the calendar
        return Check(DATES, False, "Its dates cannot be read.")


def _within_dates(credential: dict, now: datetime) -> Check:
    start = reading.moment(credential.get("validFrom"))
    if start is None:
        return Check(DATES, False, "It does not say, in a date we can read, from when it is valid.")
    if "validUntil" not in credential:  # every credential of ours has an end date
        return Check(DATES, False, "It does not say until when it is valid.")
    end = reading.moment(credential.get("validUntil"))
    if end is None:
        return Check(DATES, False, "Its end date cannot be read.")
    if now < start:
        return Check(DATES, False, f"It is not valid yet: it starts on {reading.day(start)}.")
    if now > end:
        return Check(DATES, False, f"{EXPIRED} {reading.day(end)}.")
    return Check(
        DATES,
        True,
        f"It is within its dates: valid from {reading.day(start)} until {reading.day(end)}.",
    )


def _revocation(
    credential: dict, revoked: Callable[[str, int], bool | None], code_check_url: str
) -> Check:
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
        return Check(
            REVOCATION,
            False,
            "Its revocation details are damaged, so whether it was withdrawn cannot be checked.",
        )
    if int(index) >= status_list.LIST_BITS:
        return Check(
            REVOCATION,
            False,
            "Its place in the revocation list is out of range, so whether it was withdrawn "
            "cannot be checked.",
        )
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
        # a renewed or re-issued certificate's old credential is withdrawn the same way as a
        # revoked one: the message must not suggest misconduct
        return Check(
            REVOCATION,
            False,
            "The program has withdrawn it: it was replaced by a newer certificate (for example "
            "when it was renewed), or it was revoked. Ask the holder for their current "
            f"certificate code and check it at {code_check_url}.",
        )
    return Check(REVOCATION, True, "It has not been revoked.")
