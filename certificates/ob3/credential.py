"""A certificate as an Open Badges 3.0 credential (1EdTech), on the W3C Verifiable Credentials
Data Model 2.0: the JSON a wallet keeps and any standard verifier reads, unsigned here
(``certificates.ob3.proof`` signs it).

What goes in, and where (every property is defined by the VC 2.0 or the OB 3.0 JSON-LD context:
a verifier that canonicalises in safe mode refuses a term neither defines):

* ``issuer``: the program's profile (id, name, web address, email if given).
* ``credentialSubject``: the holder's name, and either a DID they gave (``id``) or their email
  address hashed with a salt of its own (an ``IdentityObject``), so the credential names the
  holder without handing their address to everyone they show it to. Nothing else about them.
* ``credentialSubject.achievement``: what the certificate certifies: the training track, what it
  takes in words (``criteria.narrative``), its badge image, and the framework each of its
  training domains comes from (``alignment``, each with the framework's public address and a
  sentence saying that the framework's owner did not review this training). Its
  ``achievementType`` is "Certificate", not "Certification": in the OB 3.0 vocabulary a
  certification is awarded by an authoritative body (such as a certification board) for the
  ability to perform an occupation, which this program's own training certificate is not.
* ``name``: "Training certificate: <track>", so a wallet's list says what it is.
* ``evidence``: the certificate's public verification page (whether it is still valid, and the
  training transcript), with what the holder completed in the same sentences as the PDF, the
  verification page and the offline check (``evidence_lines``, from
  ``certificates.transcript.sentences_of``). Hours are written in words and not as numbers: a
  number would be canonicalised differently by different JSON-LD libraries (40.0 is a float in
  Python and an integer in JavaScript) and the signature could then not be checked everywhere.
* ``credentialStatus``: the credential's position in the revocation list
  (``certificates.ob3.status_list``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from certificates.ob3 import status_list
from certificates.ob3.contexts import CREDENTIAL_CONTEXT

ACHIEVEMENT_TYPE = "Certificate"


@dataclass(frozen=True)
class Issuer:
    id: str
    name: str
    url: str
    email: str | None = None


@dataclass(frozen=True)
class Alignment:
    """A competency framework the achievement is aligned to. OB 3.0 asks for ``url`` (the
    framework's public description): ``build`` refuses an alignment without one.
    ``description`` says what the alignment means, and what it does not."""

    name: str
    framework: str
    url: str | None = None
    code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class BadgeFacts:
    credential_id: str  # urn:uuid:…
    issuer: Issuer
    holder_name: str
    email: str | None  # hashed with salt unless did is given
    salt: str  # hex, random per credential
    did: str | None  # a DID the holder gave: then credentialSubject.id = did, no email hash
    achievement_id: str
    track_title: str
    description: str  # what the certificate certifies, in words
    criteria: str  # the requirements, in words
    alignments: tuple[Alignment, ...]
    hours_by_domain: tuple[tuple[str, float], ...]  # (domain title, hours)
    practice_hours: float
    supervision_hours: float
    image_url: str  # the achievement's badge.png
    evidence_url: str  # the certificate's public verification page
    valid_from: datetime  # aware
    valid_until: datetime  # aware
    status_list_url: str
    status_index: int
    code: str  # the certificate code as printed
    #: what the holder completed, one sentence a line, as the PDF and the verification page say
    #: it (``certificates.transcript.sentences_of``); empty: written from the hours above
    evidence_lines: tuple[str, ...] = ()


#: the DID methods a holder may give us (their wallet's ``did:key``, or a ``did:web`` they run)
HOLDER_DID_METHODS = ("key", "web")
_ID_CHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
#: W3C DID Core: ``did:`` method-name ``:`` method-specific-id (parts joined by ``:``)
_DID = re.compile(rf"did:[a-z0-9]+:(?:{_ID_CHAR}*:)*{_ID_CHAR}+")
#: ``did:key:`` and a multibase key in base58btc (``z`` then base58 letters: no 0, O, I or l)
_DID_KEY = re.compile(r"did:key:z[1-9A-HJ-NP-Za-km-z]{16,}")
#: ``did:web:`` and a host name (its port as ``%3A8443``), then any path parts after ``:``
_DID_WEB = re.compile(
    r"did:web:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*(?:%3[Aa][0-9]{1,5})?(?::[A-Za-z0-9._-]+)*"
)


def is_did(value: str, methods: Collection[str] | None = None) -> bool:
    """Whether ``value`` is a DID (W3C DID Core syntax), of one of ``methods`` if given; a
    ``did:key`` or ``did:web`` must also have that method's shape. Only the shape is checked:
    nothing is resolved, and nothing says the DID is the holder's."""
    if not _DID.fullmatch(value):
        return False
    method = value.split(":", 2)[1]
    if methods is not None and method not in methods:
        return False
    if method == "key":
        return bool(_DID_KEY.fullmatch(value))
    if method == "web":
        return bool(_DID_WEB.fullmatch(value))
    return True


def identity_hash(email: str, salt: str) -> str:
    """The holder's email address as OB 3.0 hashes it: "sha256$" and the hex SHA-256 of the
    address (trimmed, lower case) followed by the salt. Whoever knows the address and reads the
    salt in the credential can check it; nobody can read the address back out."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


def profile(issuer: Issuer) -> dict:
    """The issuer's OB 3.0 profile as it appears inside a credential or an achievement."""
    found = {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url}
    if issuer.email:
        found["email"] = issuer.email
    return found


def achievement(
    *,
    achievement_id: str,
    issuer: Issuer,
    track_title: str,
    description: str,
    criteria: str,
    alignments: Sequence[Alignment],
    image_url: str,
) -> dict:
    """The Achievement: what a certificate of this track certifies, the same for every holder
    (served alone at ``achievement_id``; add ``"@context": CREDENTIAL_CONTEXT`` there)."""
    found: dict = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": track_title,
        "description": description,
        "criteria": {"narrative": criteria},
        "image": {"id": image_url, "type": "Image", "caption": f"Badge: {track_title}"},
        "creator": profile(issuer),
    }
    if alignments:
        found["alignment"] = [_alignment(a) for a in alignments]
    return found


def build(facts: BadgeFacts) -> dict:
    """The unsigned OpenBadgeCredential for one certificate."""
    return {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": facts.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Training certificate: {facts.track_title}",
        "issuer": profile(facts.issuer),
        "validFrom": status_list.utc_text(facts.valid_from),
        "validUntil": status_list.utc_text(facts.valid_until),
        "credentialSubject": _subject(facts),
        "evidence": [
            {
                "id": facts.evidence_url,
                "type": ["Evidence"],
                "name": (
                    f"Certificate {facts.code}: public verification page (shows whether it is "
                    "still valid, and the training transcript)"
                ),
                "narrative": evidence_narrative(facts),
            }
        ],
        "credentialStatus": status_list.entry(facts.status_list_url, facts.status_index),
    }


def evidence_narrative(facts: BadgeFacts) -> str:
    """What the holder completed, in words (Markdown, as OB 3.0 narratives are)."""
    lines = [f"Certificate code: {facts.code}.", ""]
    if facts.evidence_lines:
        return "\n".join(lines + [f"- {line}" for line in facts.evidence_lines])
    lines += ["Training hours by domain:", ""]
    lines += [f"- {title}: {hours_text(hours)}" for title, hours in facts.hours_by_domain]
    total = sum(hours for _, hours in facts.hours_by_domain)
    lines += [
        f"- Total: {hours_text(total)}",
        "",
        f"Supervised peer work approved by a supervisor: {hours_text(facts.practice_hours)}.",
        f"Supervision received: {hours_text(facts.supervision_hours)}.",
    ]
    return "\n".join(lines)


def hours_text(hours: float) -> str:
    """Hours as a person writes them: "1 hour", "12.25 hours", "1,200 hours"."""
    number = f"{hours:,.2f}".rstrip("0").rstrip(".")
    return f"{number} hour" if number == "1" else f"{number} hours"


def _subject(facts: BadgeFacts) -> dict:
    subject: dict = {"type": ["AchievementSubject"]}
    if facts.did:
        if not is_did(facts.did):
            raise ValueError("This is not a DID: it starts with 'did:' and has no spaces.")
        subject["id"] = facts.did
    elif facts.email and facts.email.strip():
        if not facts.salt:
            raise ValueError("A hashed email address needs a salt.")
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(facts.email, facts.salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": facts.salt,
            }
        ]
    else:
        raise ValueError("A credential needs the holder's email address or a DID to name them.")
    subject["name"] = facts.holder_name
    subject["achievement"] = achievement(
        achievement_id=facts.achievement_id,
        issuer=facts.issuer,
        track_title=facts.track_title,
        description=facts.description,
        criteria=facts.criteria,
        alignments=facts.alignments,
        image_url=facts.image_url,
    )
    return subject


def _alignment(alignment: Alignment) -> dict:
    if not alignment.url:
        raise ValueError(
            f"The alignment to {alignment.name} needs the framework's public address (url): "
            "Open Badges 3.0 asks for one."
        )
    found = {
        "type": ["Alignment"],
        "targetName": alignment.name,
        "targetFramework": alignment.framework,
        "targetUrl": alignment.url,
    }
    if alignment.description:
        found["targetDescription"] = alignment.description
    if alignment.code:
        found["targetCode"] = alignment.code
    return found
