"""Each certificate's Open Badges 3.0 credential: built from the certificate's signed facts,
signed with the platform's key, stored with its place in the revocation list.

``issue_for`` runs as a certificate is issued (first issue, re-issue, renewal, automatic issue,
the demo), in the same transaction, so a certificate and its credential are stored together or
not at all. ``credential_for`` hands out the stored one, or makes it (audited) for a certificate
issued before credentials were, or one naming a DID the holder gave: at most
``DIDS_PER_CERTIFICATE`` of those, as nothing here proves a DID is the holder's.

The facts come from the certificate's stored payload, which was signed at issue and never
changes: the program, the track and its title, the training hours by domain, the approved
practice and supervision, the verification page, and what the holder completed in the same
sentences as the PDF and the verification page (``certificates.transcript.sentences_of``). The
track's description and requirements in words come from the track file
(``training.ob3.achievements``).
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from certificates.codes import format_code
from certificates.ob3 import proof
from certificates.ob3.credential import HOLDER_DID_METHODS, BadgeFacts, build, is_did
from certificates.transcript import sentences_of
from courses.domains import domain_name
from training import audit
from training.certs.services import SUBJECT
from training.columns import utcnow
from training.extensions import db
from training.models import Certificate, User
from training.ob3 import achievements, signing_keys, status
from training.ob3.models import OpenBadge
from training.trainee_lock import lock_trainee
from training.urls import public_url

#: tries to store a credential whose random status position another took the same moment
ATTEMPTS = 5
#: the most credentials naming a DID one certificate may have (nothing proves a DID is the
#: holder's, so the number is kept small)
DIDS_PER_CERTIFICATE = 3
#: the longest DID (``open_badge.subject_did``)
DID_LENGTH = 200


class CredentialError(RuntimeError):
    """No credential can be handed out for this certificate; the message says why."""


class TooManyDids(CredentialError):
    """The certificate has as many DID-bound credentials as it may have."""


def issue_for(certificate: Certificate, did: str | None = None) -> OpenBadge:
    """Sign and store ``certificate``'s credential in the open transaction (the caller
    commits). CredentialError if it has that credential already (made the same moment)."""
    key_id, private_key = signing_keys.current()
    list_id = status.list_for_new()
    salt = secrets.token_hex(16)
    for _ in range(ATTEMPTS):
        index = status.free_index(list_id)
        unsigned = build(_facts(certificate, salt, did, list_id, index))
        signed = proof.sign(
            unsigned, private_key, signing_keys.method_url(key_id), created=utcnow()
        )
        badge = OpenBadge(
            certificate_id=certificate.id,
            status_list=list_id,
            status_index=index,
            subject_did=did,
            salt=salt,
            credential=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
            key_id=key_id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(badge)
        except IntegrityError:
            if stored(certificate.id, did) is not None:
                raise CredentialError("This certificate has its credential already.") from None
            continue  # its position was taken the same moment: draw another
        return badge
    raise CredentialError("Could not find a free place in the status list; please try again.")


def credential_for(
    certificate: Certificate, did: str | None = None, *, by: User | None = None
) -> OpenBadge:
    """The certificate's credential (naming ``did`` if given, else the holder's hashed email):
    the stored one, or a new one, signed, stored, audited (as done by ``by``) and committed.
    Two requests at once get the same one. Never for a certificate that was revoked or
    replaced, and at most ``DIDS_PER_CERTIFICATE`` naming a DID (``TooManyDids``)."""
    did = did.strip() if did is not None else None
    if did is not None:
        _check_did(did)
    _refuse_if_ended(certificate)
    found = stored(certificate.id, did)
    if found is not None:
        return found
    # The holder's lock: one maker at a time, and the certificate cannot end (be revoked,
    # re-issued, renewed: each takes this lock too) until this credential is stored, so a
    # credential is always stored while its certificate is current. The certificate's row is
    # also held (FOR NO KEY UPDATE, which any UPDATE of it waits for), then read afresh.
    lock_trainee(certificate.user_id)
    certificate = db.session.scalars(
        select(Certificate).where(Certificate.id == certificate.id).with_for_update(key_share=True)
    ).one()
    _refuse_if_ended(certificate)
    found = stored(certificate.id, did)
    if found is None:
        if did is not None:
            _refuse_past_the_did_limit(certificate)
        try:
            found = issue_for(certificate, did)
        except CredentialError:
            found = stored(certificate.id, did)
            if found is None:
                raise
        else:
            _audit_made(certificate, found, by)
    db.session.commit()
    return found


def _audit_made(certificate: Certificate, badge: OpenBadge, by: User | None) -> None:
    """A credential made after its certificate was issued: for a DID the holder gave, or the
    email-bound one of a certificate issued before credentials were (its share page opened)."""
    if badge.subject_did is not None:
        action = "credential bound to a DID"
        comment = f"A credential naming the DID {badge.subject_did} (not checked to be theirs)."
    else:
        action = "credential made"
        comment = "The certificate's credential, made when it was first asked for."
    audit.record(by, SUBJECT, certificate.id, action, comment=comment)


def ended(certificate: Certificate) -> bool:
    """Whether the certificate was revoked or replaced (re-issued, renewed): its credentials'
    bits are set, and none is handed out."""
    return certificate.revoked_at is not None or certificate.superseded_at is not None


def _refuse_if_ended(certificate: Certificate) -> None:
    if certificate.revoked_at is not None:
        raise CredentialError("This certificate was revoked, so it has no credential to share.")
    if certificate.superseded_at is not None:
        raise CredentialError(
            "This certificate was replaced by a newer one: share the credential of that one."
        )


def _check_did(did: str) -> None:
    if len(did) > DID_LENGTH or not is_did(did, HOLDER_DID_METHODS):
        raise CredentialError(
            "This is not a DID we can use: it starts with “did:key:” or “did:web:”, has no "
            f"spaces and is at most {DID_LENGTH} characters long."
        )


def _refuse_past_the_did_limit(certificate: Certificate) -> None:
    bound = db.session.scalar(
        select(func.count())
        .select_from(OpenBadge)
        .where(OpenBadge.certificate_id == certificate.id, OpenBadge.subject_did.is_not(None))
    )
    if (bound or 0) >= DIDS_PER_CERTIFICATE:
        raise TooManyDids(
            f"This certificate has credentials for {DIDS_PER_CERTIFICATE} DIDs already, the "
            "most it can have. Use one of those, or the credential that names your email."
        )


def stored(certificate_id: int, did: str | None) -> OpenBadge | None:
    """The stored credential of the certificate naming ``did`` (None: the email-bound one)."""
    bound = OpenBadge.subject_did.is_(None) if did is None else OpenBadge.subject_did == did
    return db.session.scalar(
        select(OpenBadge).where(OpenBadge.certificate_id == certificate_id, bound)
    )


def credential_of(badge: OpenBadge) -> dict[str, Any]:
    """The signed credential, as stored."""
    return json.loads(badge.credential)


def _facts(
    certificate: Certificate, salt: str, did: str | None, list_id: int, index: int
) -> BadgeFacts:
    payload = json.loads(certificate.payload)
    track = achievements.track(certificate.track_id)
    certifies = payload.get("certifies")
    hours = (certifies or {}).get("training_hours") or payload.get("training_hours") or {}
    minutes = payload.get("approved_minutes") or {}
    code = format_code(certificate.code)
    return BadgeFacts(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer=achievements.issuer(),
        holder_name=certificate.holder_name,
        email=None if did else certificate.holder.email,
        salt=salt,
        did=did,
        achievement_id=achievements.achievement_url(certificate.track_id),
        track_title=certificate.track_title,
        description=achievements.description(track, certificate.track_title),
        criteria=achievements.criteria(track),
        alignments=achievements.alignments(track),
        hours_by_domain=tuple((domain_name(d), float(h)) for d, h in hours.items()),
        practice_hours=minutes.get("supervised_practice", 0) / 60,
        supervision_hours=minutes.get("supervision", 0) / 60,
        image_url=achievements.image_url(certificate.track_id),
        evidence_url=payload.get("verify_url") or public_url("certs.verify_code", code=code),
        valid_from=certificate.issued_at or utcnow(),
        valid_until=datetime.combine(certificate.expires_on, time(23, 59, 59), UTC),
        status_list_url=status.list_url(list_id),
        status_index=index,
        code=code,
        # what the holder completed, in the words of the PDF and the verification page
        evidence_lines=tuple(sentences_of(payload)),
    )
