"""Check a certificate's signature offline, with nothing but the platform's public key.

    python -m certificates.verify answer.json public-key.pem

``answer.json`` is what ``/verify/<code>.json`` returned, and ``public-key.pem`` what
``/verify/public-key.pem`` returned. The signed facts are ``payload``; the bytes that were
signed are its canonical JSON (``certificates.signing.canonical``: keys sorted, no spaces,
UTF-8 without \\u escapes), and ``signature`` is the Ed25519 signature over them in base64url
without padding. Exit status 0 means genuine; anything else means it is not, or the files could
not be read, with the reason printed.

The signature proves who issued the certificate and what it said. Whether it was revoked or
replaced since is not part of the signed facts: only the live verification page can say. So the
command prints only signed facts, and never the answer's ``status`` (or anything else outside
``payload``): anyone can edit those in the file without breaking the signature, and a revoked
holder could make it say "valid". It points to the live status address instead, which is signed.

A certificate issued with what its holder completed also has a "certifies" section in its
payload, printed in plain words, one line each. Its transcript is not in the payload: the
payload signs the transcript's SHA-256 digest (``transcript_sha256``, over its lines as
canonical JSON), and the answer of a valid or expired certificate carries the lines beside the
payload (``transcript.lines``). When the answer has them, the command checks them against the
signed digest and prints them; lines that do not match make the answer NOT GENUINE. (A
certificate signed before the digest has its transcript inline in the payload, signed with it.)

Every value is printed on one line with its control characters, line and paragraph separators
and direction overrides written as escapes (``\\n``, ``\\u2028``), signed values too (a name
stored before the platform refused line breaks may hold one): no value can add a line of its own
to the report, move the cursor or recolour the terminal.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.signing import key_id, verify
from certificates.transcript import TranscriptLine, sentences_of, transcript_of
from certificates.transcript_digest import TRANSCRIPT_DIGEST, TranscriptMismatch
from courses.domains import domain_name

GENUINE, NOT_GENUINE, UNREADABLE = 0, 1, 2

#: the signed facts worth printing, in order, with what to call them
FACTS = (
    ("holder", "Holder"),
    ("track_title", "Training track"),
    ("program", "Program"),
    ("provider_approval", "Provider approval"),
    ("training_hours", "Training hours"),
    ("approved_minutes", "Signed-off minutes"),
    ("issued_on", "Issued on"),
    ("expires_on", "Expires on"),
    ("kind", "Kind"),
    ("replaces", "Replaces"),
    ("issued_by", "Issued by"),
    ("code", "Code"),
    ("verify_url", "Live status"),
)


class UnreadableInput(ValueError):
    """A file that is not what the command expects, with a plain explanation."""


#: characters of these Unicode categories are printed as escapes: controls, line and paragraph
#: separators, format characters (direction overrides and the like), surrogates, unassigned
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cf", "Cs", "Co", "Cn"})
#: format characters some scripts need inside a word (Persian, Indic): printed as they are
_JOINERS = frozenset("\u200c\u200d")


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    payload: dict[str, Any]
    reason: str
    #: the transcript's lines the answer carried beside the payload (checked against the signed
    #: digest when genuine), or None when it carried none
    transcript: Any = None


def printable(value: Any) -> str:
    """``value`` as one line of plain text: invisible and line-breaking characters escaped."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in _ESCAPED_CATEGORIES and char not in _JOINERS
        else char
        for char in _as_text(value)
    )


def _as_text(value: Any) -> str:
    """A mapping (training hours by domain) as "key value, key value"; anything else as str."""
    if isinstance(value, dict):
        return ", ".join(
            f"{key} {item:g}" if isinstance(item, float) else f"{key} {item}"
            for key, item in value.items()
        )
    return str(value)


def read_answer(text: str) -> tuple[dict[str, Any], str, Any]:
    """The signed payload, the signature and the transcript's lines carried beside the payload
    (None if none) out of a ``/verify/<code>.json`` answer."""
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableInput(
            f"the answer is not JSON ({error.msg}, line {error.lineno})"
        ) from None
    if not isinstance(answer, dict):
        raise UnreadableInput("the answer is not a JSON object")
    if answer.get("status") in ("not_found", "invalid_code"):
        raise UnreadableInput("the answer says no certificate has this code: nothing to check")
    payload, signature = answer.get("payload"), answer.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        raise UnreadableInput(
            'the answer has no signed facts: it needs a "payload" object and a "signature" '
            "string, as /verify/<code>.json gives them"
        )
    beside = answer.get("transcript")
    lines = beside.get("lines") if isinstance(beside, dict) else beside
    return payload, signature, lines


def read_public_key(pem: bytes) -> bytes:
    """The Ed25519 public key in the file, as the platform writes it (so its key id matches)."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise UnreadableInput(
            "the key file is not a PEM public key (it starts -----BEGIN PUBLIC KEY-----)"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise UnreadableInput("the key file holds a public key, but not an Ed25519 one")
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check(answer_text: str, public_pem: bytes) -> Verdict:
    """Whether the answer's payload was signed by the key whose public half is ``public_pem``."""
    public_pem = read_public_key(public_pem)
    payload, signature, lines = read_answer(answer_text)
    if verify(payload, signature, public_pem):
        if lines is not None and TRANSCRIPT_DIGEST in payload:
            try:
                transcript_of(payload, lines)
            except (TranscriptMismatch, KeyError, TypeError, ValueError, AttributeError):
                reason = (
                    "the signature matches the facts, but the transcript beside them is not "
                    "the one they sign (it was changed)"
                )
                return Verdict(False, payload, reason)
        return Verdict(True, payload, "the signature matches the facts and the key", lines)
    if payload.get("key_id") not in (None, key_id(public_pem)):
        reason = "it was signed with a different key than this one"
    else:
        reason = "the signature does not match these facts (they were changed, or it is forged)"
    return Verdict(False, payload, reason)


def report(verdict: Verdict) -> str:
    if not verdict.genuine:
        return f"NOT GENUINE: {verdict.reason}.\nDo not rely on this certificate."
    lines = ["GENUINE: this certificate was issued by the holder of this key, and says:"]
    width = max(len(label) for _, label in FACTS)
    for key, label in FACTS:
        if verdict.payload.get(key) is not None:
            lines.append(f"  {label:<{width}}  {printable(verdict.payload[key])}")
    lines += _completed(verdict, width)
    lines.append(
        "The signature cannot say whether the certificate is still valid, or was revoked or "
        "replaced since it was issued, and this file's other contents (such as its status) are "
        "not signed, so they are not shown: anyone can change them. To know whether it is "
        "still valid, open the live status address above."
    )
    return "\n".join(lines)


def _completed(verdict: Verdict, width: int) -> list[str]:
    """What a certificate with a "certifies" section says the holder completed, and its
    transcript (checked, or signed inline), a line each (nothing for a certificate signed
    before they were)."""
    payload = verdict.payload
    if not isinstance(payload.get("certifies"), dict):
        return []
    digest_only = TRANSCRIPT_DIGEST in payload and verdict.transcript is None
    try:
        said = sentences_of(payload)
        transcript: tuple[TranscriptLine, ...] = (
            () if digest_only else transcript_of(payload, verdict.transcript) or ()
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return [f"  {'Certifies':<{width}}  (not in a form this version can read)"]
    lines = [
        f"  {'Certifies' if i == 0 else '':<{width}}  {printable(s)}" for i, s in enumerate(said)
    ]
    if digest_only:
        lines.append(
            f"  {'Transcript':<{width}}  not in this file (the certificate signs its digest only)"
        )
    for i, line in enumerate(transcript):
        hours = ", ".join(f"{domain_name(d)} {v:g}" for d, v in line.hours.items()) or "none"
        where = f" ({line.provider})" if line.provider else ""
        text = f"{line.day.isoformat()} {line.kind_label}: {line.title}{where}, hours {hours}"
        lines.append(f"  {'Transcript' if i == 0 else '':<{width}}  {printable(text)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m certificates.verify answer.json public-key.pem", file=sys.stderr)
        return UNREADABLE
    try:
        answer_text = Path(args[0]).read_text(encoding="utf-8")
        public_pem = Path(args[1]).read_bytes()
        verdict = check(answer_text, public_pem)
    except (OSError, UnicodeDecodeError) as error:
        print(f"Could not read the files: {error}", file=sys.stderr)
        return UNREADABLE
    except UnreadableInput as error:
        print(f"Cannot check this: {error}.", file=sys.stderr)
        return UNREADABLE
    print(report(verdict))
    return GENUINE if verdict.genuine else NOT_GENUINE


if __name__ == "__main__":
    sys.exit(main())
