"""Signing a track's attestations, and leads' yes/no confirmations, through their life.

A trainee signs each attestation on its own (the current version of its text); a signature
records the attestation, its version and the statement as signed. A lead confirms an item for a
trainee, or withdraws it with a short reason. Every change is one statement the database checks
(a unique index for a signature or a confirmation, a conditional UPDATE for a withdrawal), so two
clicks or two leads at once leave one outcome and the other person is told plainly. Each change
writes an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from certificates.rulebook import Confirmation
from certificates.signatures import Signed, Standing, same_name, standing
from certificates.tracks import Attestation, Track
from training import audit
from training.attestations.models import LeadConfirmation
from training.extensions import db
from training.hours.assignments import supervises
from training.models import Role, TrackSignature, User, utcnow

#: audit events are about the person (the audit log's "Person" filter finds them)
SUBJECT = "user"


class AttestationError(ValueError):
    """An action that cannot be taken, with a message for the person who tried."""


class AlreadyDone(AttestationError):
    """Someone (or another click) did it first; nothing more was recorded."""


# --- for the eligibility record and renewal (the integrator's calls) ---------------------------


def signed_attestations(user_ids: list[int], track: Track) -> dict[int, frozenset[str]]:
    """user id -> the ids of the track's attestations whose current version they signed (every
    id given is a key), in one query."""
    return _signed(user_ids, track)


def signed_since(user_id: int, track: Track, since: datetime) -> frozenset[str]:
    """The ids of the track's attestations whose current version the trainee signed after
    ``since`` (renewal: signed again since the certificate was issued)."""
    return _signed([user_id], track, since)[user_id]


def _signed(
    user_ids: list[int], track: Track, since: datetime | None = None
) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {i: set() for i in user_ids}
    current = {(a.id, a.version) for a in track.attestations}
    if user_ids and current:
        query = select(
            TrackSignature.user_id, TrackSignature.attestation_id, TrackSignature.text_version
        ).where(
            TrackSignature.user_id.in_(user_ids),
            TrackSignature.track_id == track.id,
            TrackSignature.text_version.in_(sorted({version for _, version in current})),
        )
        if since is not None:
            query = query.where(TrackSignature.signed_at > since)
        for user_id, attestation_id, version in db.session.execute(query.distinct()):
            if (attestation_id, version) in current:
                found[user_id].add(attestation_id)
    return {user_id: frozenset(ids) for user_id, ids in found.items()}


def confirmations(user_ids: list[int], track: Track) -> dict[int, frozenset[str]]:
    """user id -> the ids of the track's confirmations a lead has confirmed for them (and not
    withdrawn); every id given is a key; one query."""
    return {user_id: frozenset(items) for user_id, items in confirmed_on(user_ids, track).items()}


def confirmed_on(user_ids: list[int], track: Track) -> dict[int, dict[str, datetime]]:
    """user id -> item id -> when it was confirmed, for the active confirmations of the track's
    items, in one query."""
    found: dict[int, dict[str, datetime]] = {i: {} for i in user_ids}
    items = [c.id for c in track.confirmations]
    if user_ids and items:
        for user_id, item_id, at in db.session.execute(
            select(
                LeadConfirmation.trainee_id, LeadConfirmation.item_id, LeadConfirmation.confirmed_at
            ).where(
                LeadConfirmation.trainee_id.in_(user_ids),
                LeadConfirmation.track_id == track.id,
                LeadConfirmation.item_id.in_(items),
                LeadConfirmation.withdrawn_at.is_(None),
            )
        ):
            found[user_id][item_id] = at
    return found


# --- who may see what --------------------------------------------------------------------------


def may_see(user: User, trainee: User) -> bool:
    """A trainee's attestations and confirmations: leads, and the trainee's assigned (active)
    supervisors. The trainee sees their own on their own pages."""
    if trainee.role != Role.TRAINEE:
        return False
    if user.role == Role.LEAD:
        return True
    return supervises(user, trainee.id)


# --- the trainee's attestations ----------------------------------------------------------------


def renewing_since(user: User, track: Track) -> datetime | None:
    """When the trainee's current certificate was issued, if they are renewing it now (it
    expires within the track's renewal window, the one the renewal checklist and reminder use)
    and the track asks to sign the attestations again; else None."""
    from training.certs.renewals import window
    from training.certs.services import current_certificate

    if not track.renewal.attestation:
        return None
    current = current_certificate(user, track)
    if current is None:
        return None
    days_left = (current.expires_on - utcnow().date()).days
    return current.issued_at if days_left <= window(track) else None


def standings(user: User, track: Track, since: datetime | None = None) -> list[Standing]:
    """Each of the track's attestations with where the trainee stands (``since``: renewing a
    certificate issued then, see ``renewing_since``)."""
    signatures: dict[str, list[Signed]] = {a.id: [] for a in track.attestations}
    for attestation_id, version, signed_at in db.session.execute(
        select(
            TrackSignature.attestation_id, TrackSignature.text_version, TrackSignature.signed_at
        ).where(TrackSignature.user_id == user.id, TrackSignature.track_id == track.id)
    ):
        if attestation_id in signatures:
            signatures[attestation_id].append(Signed(version, signed_at))
    return [standing(a, signatures[a.id], since) for a in track.attestations]


def sign(user: User, track: Track, attestation: Attestation, typed_name: str) -> TrackSignature:
    """Record the trainee's signature of the attestation's current text, signed with their
    typed full name (which must be their account's name, in any case or spacing). A trainee who
    holds a certificate signs toward renewing it."""
    from training.certs.services import current_certificate

    if not same_name(typed_name, user.name):
        raise AttestationError(
            f"Type your full name as it is on your account ({user.name}) to sign."
        )
    held = current_certificate(user, track)
    signature = TrackSignature(
        user_id=user.id,
        track_id=track.id,
        attestation_id=attestation.id,
        text_version=attestation.version,
        statement=attestation.statement,
        renewal_of_id=held.id if held is not None else None,
    )
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError:  # another click or tab signed this version first
        db.session.rollback()
        raise AlreadyDone(already_signed(attestation)) from None
    renewing = f", renewing certificate {held.id}" if held is not None else ""
    audit.record(
        user,
        SUBJECT,
        user.id,
        "signed attestation",
        comment=(
            f"{attestation.title} ({track.id} / {attestation.id}, version "
            f"{attestation.version}){renewing}, signed as “{' '.join(typed_name.split())}”"
        ),
    )
    db.session.commit()
    return signature


def already_signed(attestation: Attestation) -> str:
    return (
        f"You have already signed this version of the {attestation.title.lower()}; "
        "nothing more was recorded."
    )


def sign_every(user: User, track: Track) -> None:
    """Sign each of the track's attestations the trainee still needs to, with their account's
    name (the demo's trainee who meets every requirement)."""
    for state in standings(user, track, renewing_since(user, track)):
        if state.needs_signing:
            sign(user, track, state.attestation, user.name)


# --- leads' confirmations ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmationState:
    """One of the track's items for one trainee: the confirmation in force (if any) and the
    withdrawn ones, newest first."""

    item: Confirmation
    active: LeadConfirmation | None
    withdrawn: tuple[LeadConfirmation, ...] = ()


def confirmation_states(trainee: User, track: Track) -> list[ConfirmationState]:
    rows = db.session.scalars(
        select(LeadConfirmation)
        .where(LeadConfirmation.trainee_id == trainee.id, LeadConfirmation.track_id == track.id)
        .order_by(LeadConfirmation.confirmed_at.desc(), LeadConfirmation.id.desc())
    ).all()
    states = []
    for item in track.confirmations:
        mine = [r for r in rows if r.item_id == item.id]
        active = next((r for r in mine if r.withdrawn_at is None), None)
        states.append(
            ConfirmationState(item, active, tuple(r for r in mine if r.withdrawn_at is not None))
        )
    return states


def confirm(lead: User, trainee: User, track: Track, item: Confirmation) -> LeadConfirmation:
    """Record that the lead confirmed the item for the trainee (yes, and who and when only)."""
    confirmation = LeadConfirmation(
        trainee_id=trainee.id, track_id=track.id, item_id=item.id, confirmed_by_id=lead.id
    )
    db.session.add(confirmation)
    try:
        db.session.flush()
    except IntegrityError:  # confirmed a moment ago, by another lead or another click
        db.session.rollback()
        raise AlreadyDone(
            f"“{item.label}” is already confirmed for {trainee.name} (perhaps by another lead "
            "a moment ago); nothing more was recorded."
        ) from None
    audit.record(
        lead, SUBJECT, trainee.id, "confirmed", comment=f"{item.label} ({track.id} / {item.id})"
    )
    db.session.commit()
    return confirmation


def withdraw(lead: User, trainee: User, track: Track, item: Confirmation, reason: str) -> None:
    """Withdraw the item's confirmation in force, with a short reason that stays on record."""
    reason = " ".join(reason.split())
    if not reason:
        raise AttestationError("Write a short reason: it stays on record.")
    withdrawn = db.session.execute(
        update(LeadConfirmation)
        .where(
            LeadConfirmation.trainee_id == trainee.id,
            LeadConfirmation.track_id == track.id,
            LeadConfirmation.item_id == item.id,
            LeadConfirmation.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=utcnow(), withdrawn_by_id=lead.id, withdraw_reason=reason),
        execution_options={"synchronize_session": False},
    )
    if withdrawn.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadyDone(
            f"“{item.label}” is not confirmed for {trainee.name} any more (perhaps another lead "
            "withdrew it a moment ago); nothing was changed."
        )
    audit.record(
        lead,
        SUBJECT,
        trainee.id,
        "confirmation withdrawn",
        comment=f"{item.label} ({track.id} / {item.id}): {reason}",
    )
    db.session.commit()


# --- a cohort at a glance ----------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRow:
    """One trainee of a cohort: which attestations they signed (current versions) and when
    each confirmation was given (absent: still to confirm)."""

    user: User
    signed: frozenset[str]
    confirmed: dict[str, datetime]

    def missing(self, track: Track) -> list[Confirmation]:
        return [c for c in track.confirmations if c.id not in self.confirmed]


def cohort_rows(trainees: Iterable[User], track: Track) -> list[CohortRow]:
    """The rows for these trainees, in two queries."""
    people = list(trainees)
    ids = [u.id for u in people]
    signed = signed_attestations(ids, track)
    confirmed = confirmed_on(ids, track)
    return [CohortRow(u, signed[u.id], confirmed[u.id]) for u in people]
