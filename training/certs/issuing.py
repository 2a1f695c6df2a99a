"""Issuing certificates, and moving them on: revoked, re-issued (a correction) or renewed.

Who wins when two people act on one certificate at once is decided by the database
(``training.certs.transitions``). Each of issue, renew and re-issue first takes the holder's
lock (``training.trainee_lock``) and holds it until it commits: it reads the checklist and
the approved hours, signs and renders, and inserts with nothing changing under it, and a
supervisor undoing an approval of those hours at that moment waits, then is refused
(``training.supervise.undo``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from certificates import signing
from certificates.codes import format_code, new_code
from certificates.pdf import CertificateFacts, render_certificate
from certificates.tracks import Track
from certificates.transcript import Certifies, transcript_of
from training import audit, content
from training.certs import design, keys, transcripts, transitions
from training.certs.lost_races import why_not_current
from training.certs.services import (
    SUBJECT,
    CertificateError,
    certificates_of,
    checklist,
    current_certificate,
    renewal_status,
    standing,
)
from training.extensions import db
from training.hours import services as hours
from training.input_checks import is_one_line
from training.mail import notices
from training.models import (
    REVOCATION_CATEGORIES,
    Certificate,
    Role,
    User,
    utcnow,
)
from training.ob3 import credentials, signing_keys
from training.trainee_lock import lock_trainee
from training.urls import public_url


@dataclass(frozen=True)
class NewCertificate:
    """What a new certificate says, before it is signed."""

    holder_name: str
    issued_on: date
    expires_on: date
    kind: str  # initial, reissue or renewal
    issued_by: User | None
    replaces: Certificate | None = None


def _content_versions(track: Track) -> dict[str, str]:
    library = content.library()
    return {c.id: c.version for c in library.courses if c.id in track.courses}


def _create(user: User, track: Track, new: NewCertificate) -> Certificate:
    """Sign and render a new certificate (under the holder's lock), then write it: first the
    certificate it replaces is superseded (a conditional update), then the new one is inserted,
    which the database refuses if the holder already has a current one. Whoever loses a race
    gets a CertificateError, with their transaction rolled back whole."""
    _refuse_names_on_several_lines(new)
    for _ in range(5):  # a code collision is astronomically unlikely; retry rather than fail
        certificate = _signed_and_rendered(user, track, new)
        if new.replaces is not None and not transitions.supersede(new.replaces.id):
            attempted = "renew" if new.kind == "renewal" else "re-issue"
            raise why_not_current(new.replaces, new.issued_by or user, attempted)
        try:
            transitions.insert(certificate)
        except transitions.CodeTaken:
            continue
        except transitions.AlreadyCurrent:
            raise CertificateError(
                f"{user.name} already holds a current certificate for this track. "
                "Re-issue or renew it instead."
            ) from None
        # its Open Badges credential, stored with it or not at all
        credentials.issue_for(certificate)
        return certificate
    raise CertificateError("Could not make a unique certificate code; please try again.")


def _refuse_names_on_several_lines(new: NewCertificate) -> None:
    """Forms refuse line breaks in names (``training.forms``); a name stored before they did
    must not be signed and printed as two lines either."""
    names = [new.holder_name, new.issued_by.name if new.issued_by else ""]
    for name in names:
        if not is_one_line(name):
            raise CertificateError(
                f"The name “{' '.join(name.split())}” has a line break or a hidden character "
                "in it, which a certificate cannot carry. Correct the name under People first."
            )


def _signed_and_rendered(user: User, track: Track, new: NewCertificate) -> Certificate:
    """A new certificate with its signature and PDF, not yet added to the database."""
    totals = hours.totals_of(hours.entries_of(user))
    # the key in service (never one retired or revoked: KeyOutOfService, before anything is
    # written), the same as the credential's
    key_id, private_key = signing_keys.current()
    signatory = new.issued_by.name if new.issued_by else current_app.config["CERTIFICATE_SIGNATORY"]
    code = new_code()
    # what the holder completed: the summary and the transcript's digest (the old
    # "training_hours" key stays, now the hours counted, so readers of older answers find what
    # they knew); the transcript itself is stored beside the payload
    sections = transcripts.signed_sections(user, track, _renewed_validity(new))
    payload: dict[str, Any] = {
        "v": 1,
        "code": code,
        "holder": new.holder_name,
        "track": track.id,
        "track_title": track.title,
        "program": current_app.config["PROGRAM_NAME"],
        "issued_on": new.issued_on.isoformat(),
        "expires_on": new.expires_on.isoformat(),
        "kind": new.kind,
        "replaces": new.replaces.code if new.replaces else None,
        "content_versions": _content_versions(track),
        "training_hours": sections.signed["certifies"]["training_hours"],
        "provider_approval": current_app.config["PROVIDER_APPROVAL"] or None,
        "approved_minutes": {
            "supervised_practice": totals.approved_practice,
            "supervision": totals.approved_supervision,
        },
        "issued_by": signatory,
        "verify_url": verify_url(code),
        "key_id": key_id,
        **sections.signed,
    }
    certificate = Certificate(
        code=code,
        user_id=user.id,
        holder_name=new.holder_name,
        track_id=track.id,
        track_title=track.title,
        issued_on=new.issued_on,
        expires_on=new.expires_on,
        kind=new.kind,
        payload=signing.canonical(payload).decode(),
        signature=signing.sign(payload, private_key),
        key_id=payload["key_id"],
        issued_by_id=new.issued_by.id if new.issued_by else None,
        transcript=signing.canonical(sections.transcript).decode(),  # type: ignore[arg-type]
    )
    certificate.pdf = render_certificate(facts_of(certificate))
    return certificate


def _renewed_validity(new: NewCertificate) -> tuple[date, date] | None:
    """For a renewal, or a re-issue of one (however often corrected): the validity of the
    certificate it renewed, within which its continuing education was counted."""
    renewed = new.replaces if new.kind == "renewal" else _renewal_behind(new.replaces)
    if renewed is None:
        return None
    return renewed.issued_on, renewed.expires_on


def _renewal_behind(certificate: Certificate | None) -> Certificate | None:
    """The certificate a renewal replaced, behind any re-issues of the renewal."""
    while certificate is not None and certificate.kind == "reissue":
        certificate = _replaced(certificate)
    return (
        _replaced(certificate)
        if certificate is not None and certificate.kind == "renewal"
        else None
    )


def _replaced(certificate: Certificate) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.replaced_by_id == certificate.id)
    )


def facts_of(certificate: Certificate) -> CertificateFacts:
    """What the PDF shows, read back from the stored record, with the logo and signature
    configured now: rendering it again, while they are the same, gives the same certificate."""
    payload = json.loads(certificate.payload)
    return CertificateFacts(
        holder_name=certificate.holder_name,
        track_title=certificate.track_title,
        program_name=payload["program"],
        signatory_name=payload["issued_by"],
        signatory_role="Program lead",
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        code=format_code(certificate.code),
        verify_url=payload["verify_url"],
        training_hours=payload.get("training_hours", {}),
        approved_minutes=payload.get("approved_minutes", {}),
        provider_approval=payload.get("provider_approval") or "",
        certifies=Certifies.from_payload(payload["certifies"]) if "certifies" in payload else None,
        transcript=transcript_of(payload, certificate.transcript) or (),
        logo=design.configured_image("CERTIFICATE_LOGO"),
        signature=design.configured_image("CERTIFICATE_SIGNATURE"),
    )


def verify_url(code: str) -> str:
    """The public address of a certificate's verification page, as signed, printed and in the QR
    code: always on the configured PUBLIC_BASE_URL, never on the address of the request."""
    return public_url("certs.verify_code", code=format_code(code))


def issue(
    user: User, track: Track, issued_by: User | None, issued_on: date | None = None
) -> Certificate:
    """Issue a certificate, only if the trainee meets every requirement right now.

    ``issued_on`` defaults to today; the demo data passes an earlier date to show expiry.
    """
    if user.role != Role.TRAINEE:
        raise CertificateError("Certificates are issued to trainees.")
    lock_trainee(user.id)
    if current_certificate(user, track) is not None:
        raise CertificateError(
            f"{user.name} already holds a current certificate for this track. "
            "Re-issue or renew it instead."
        )
    result = checklist(user, track)
    if not result.eligible:
        raise CertificateError(f"{user.name} is not eligible yet: {result.still_needed}")
    issued_on = issued_on or utcnow().date()
    certificate = _create(
        user,
        track,
        NewCertificate(
            holder_name=user.name,
            issued_on=issued_on,
            expires_on=track.expiry(issued_on),
            kind="initial",
            issued_by=issued_by,
        ),
    )
    audit.record(
        issued_by,
        SUBJECT,
        certificate.id,
        "issued",
        to_status="valid",
        comment=f"{format_code(certificate.code)} for {user.name}",
    )
    notices.certificate_issued(certificate)
    db.session.commit()
    return certificate


def maybe_auto_issue(user: User) -> Certificate | None:
    """On tracks set to issue automatically, issue as soon as the trainee becomes eligible.

    Called once the action that may have completed the record (a sign-off, a signature, a
    passed quiz…) is committed, so an attempt that fails is rolled back whole: whatever it
    wrote, and the locks it took (the trainee's, the signing key's row), go with it, and the
    rest of the request (another trainee approved in the same go) starts afresh."""
    track = hours.track_for(user)
    if track is None or not track.auto_issue or user.role != Role.TRAINEE:
        return None
    if standing(certificates_of(user), track) != (None, None):
        return None  # current already, or revoked: only a lead decides to certify again
    if not checklist(user, track).eligible:
        return None
    user_id = user.id
    try:
        return issue(user, track, issued_by=None)
    except CertificateError:  # a lead issued it at the same moment: the trainee has theirs
        db.session.rollback()
        return None
    except keys.NoSigningKey as error:  # nothing is kept; a lead issues it once put right
        db.session.rollback()
        current_app.logger.error("Certificate for %s not issued automatically: %s", user_id, error)
        return None


def revoke(certificate: Certificate, lead: User, category: str, reason: str) -> None:
    if category not in REVOCATION_CATEGORIES:
        raise CertificateError("Choose a reason category.")
    if not reason.strip():
        raise CertificateError(
            "Write the reason for revoking; it stays on record (it is not shown publicly)."
        )
    # the holder's lock, as issuing takes it: a credential being made for this certificate
    # right now (``credentials.credential_for``) is stored first, then revoked with it
    lock_trainee(certificate.user_id)
    if not transitions.revoke(certificate.id, lead.id, category, reason.strip()):
        raise why_not_current(certificate, lead, "revoke")
    audit.record(
        lead,
        SUBJECT,
        certificate.id,
        "revoked",
        "valid",
        "revoked",
        f"{REVOCATION_CATEGORIES[category]}: {reason.strip()}",
    )
    notices.certificate_revoked(certificate)
    db.session.commit()


def _replace(
    old: Certificate, new: Certificate, actor: User | None, action: str, comment: str
) -> None:
    transitions.link_replacement(old.id, new.id)
    audit.record(actor, SUBJECT, old.id, "replaced", "valid", "replaced", comment)
    audit.record(actor, SUBJECT, new.id, action, to_status="valid", comment=comment)
    notices.certificate_replaced(new, action)
    db.session.commit()


def reissue(old: Certificate, lead: User, holder_name: str, track: Track) -> Certificate:
    """A corrected certificate (e.g. a name change) with a new code and the same validity."""
    holder_name = holder_name.strip()
    if not holder_name:
        raise CertificateError("Enter the name as it should be printed.")
    lock_trainee(old.user_id)
    if old.revoked_at is not None or old.superseded_at is not None:
        raise why_not_current(old, lead, "re-issue")
    new = _create(
        old.holder,
        track,
        NewCertificate(
            holder_name=holder_name,
            issued_on=utcnow().date(),
            expires_on=old.expires_on,
            kind="reissue",
            issued_by=lead,
            replaces=old,
        ),
    )
    _replace(
        old,
        new,
        lead,
        "re-issued",
        f"{format_code(old.code)} → {format_code(new.code)}, "
        f"name “{old.holder_name}” → “{holder_name}”",
    )
    return new


def renew(old: Certificate, user: User, track: Track) -> Certificate:
    """A renewed certificate with new dates, once the renewal requirements are met."""
    if old.user_id != user.id:
        raise CertificateError("Only your current certificate can be renewed.")
    lock_trainee(user.id)
    if old.revoked_at is not None or old.superseded_at is not None:
        raise why_not_current(old, user, "renew")
    status = renewal_status(user, track, old)
    if not status.eligible:
        raise CertificateError(f"Renewal needs: {status.still_needed}")
    today = utcnow().date()
    # Renewing early loses no time: the new period starts when the old one ends.
    new = _create(
        user,
        track,
        NewCertificate(
            holder_name=old.holder_name,
            issued_on=today,
            expires_on=track.expiry(max(today, old.expires_on)),
            kind="renewal",
            issued_by=None,
            replaces=old,
        ),
    )
    _replace(old, new, user, "renewed", f"{format_code(old.code)} → {format_code(new.code)}")
    return new
