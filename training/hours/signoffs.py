"""Supervisors' sign-offs and leads' voids: approving, returning and voiding hours entries.

Like every change of an entry's status, each is a conditional UPDATE (see
``training.hours.services``), so two people acting on one entry at once cannot both succeed.

A track may accept sign-offs only from supervisors holding certain credentials
(``certificates.supervisors``). Approving reads the supervisor's recorded credential again in
the transaction that approves, holding a shared lock on their row (PostgreSQL), and the
conditional UPDATE approves only while that credential is still the one checked: a lead
changing it at the same moment either goes first (and the new one is checked) or after the
approval, which records the credential it was checked against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, func, select

from certificates.supervisors import accepted_text, qualifies, why_not
from training import audit, content
from training.extensions import db
from training.hours.assignments import supervises
from training.hours.services import (
    ATTESTATION,
    SUBJECT,
    HoursError,
    move,
    track_for,
)
from training.mail import notices
from training.models import (
    EntryStatus,
    HoursEntry,
    Role,
    SignOff,
    User,
    utcnow,
)

#: what approving a supervised-practice entry that claims direct service attests
DIRECT_SERVICE_ATTESTATION = (
    "I attest that these hours took place as described, including that they were direct "
    "service with the people supported."
)
#: the box ticked to approve several entries at once, when one of them claims direct service
QUEUE_DIRECT_SERVICE_ATTESTATION = (
    "I attest that these hours took place as described, and that those marked “Direct "
    "service: yes” were direct service with the people supported."
)


def attestation_of(entry: HoursEntry) -> str:
    """What approving the entry attests (its sign-off keeps these words): that the hours took
    place as described and, where the entry claims direct service, that they were."""
    return DIRECT_SERVICE_ATTESTATION if entry.direct_service else ATTESTATION


def queue_attestation(entries: Iterable[HoursEntry]) -> str:
    """The words of the box a supervisor ticks to approve the entries shown, naming direct
    service when one of them claims it."""
    if any(e.direct_service for e in entries):
        return QUEUE_DIRECT_SERVICE_ATTESTATION
    return ATTESTATION


def _check_supervisor(supervisor: User, entry: HoursEntry | None) -> HoursEntry:
    if entry is None or supervisor.role != Role.SUPERVISOR or not supervisor.active:
        raise HoursError("That entry is not in your queue.")
    if entry.trainee_id == supervisor.id:
        raise HoursError("You can't sign off your own hours.")
    if entry.supervisor_id != supervisor.id or not supervises(supervisor, entry.trainee_id):
        raise HoursError("That entry is not in your queue.")
    return entry


#: when a lead changed the supervisor's credential between the check and the approval
CREDENTIAL_CHANGED = (
    "Your recorded credential was changed while you were signing, so nothing was approved. "
    "Please look at the entries again."
)


def qualification_problem(trainee: User, credential: str | None) -> str:
    """Why a supervisor with this recorded credential can't sign off the trainee's hours (the
    trainee's track accepts other credentials), in plain words; empty when they can."""
    track = track_for(trainee)
    reason = why_not(track.supervisors, credential) if track is not None else ""
    return f"You can't sign off hours for this track ({track.title}): {reason}" if reason else ""


@dataclass(frozen=True)
class TrackSignOff:
    """Whether a supervisor may sign off a track's hours (for the lead's person page)."""

    title: str
    allowed: bool
    #: the credentials the track accepts, in words ("CPRS or LCSW"); empty: any supervisor
    accepted: str


def sign_off_tracks(supervisor: User) -> list[TrackSignOff]:
    """Every track of the program, and whether this supervisor's recorded credential lets
    them sign off its hours."""
    return [
        TrackSignOff(
            track.title,
            qualifies(track.supervisors, supervisor.credential),
            accepted_text(track.supervisors),
        )
        for track in content.store().tracks.tracks
    ]


def _credential_now(supervisor: User) -> str | None:
    """The supervisor's recorded credential as the database has it now, with a shared lock on
    their row until the transaction ends (PostgreSQL; SQLite has one writer at a time)."""
    return db.session.scalar(
        select(User.credential).where(User.id == supervisor.id).with_for_update(read=True)
    )


def _credential_is(supervisor: User, credential: str | None):  # type: ignore[no-untyped-def]
    """A condition on the approving UPDATE: the supervisor's credential is still this one."""
    return exists().where(
        User.id == supervisor.id, func.coalesce(User.credential, "") == (credential or "")
    )


@dataclass
class Outcome:
    done: int = 0
    problems: list[str] | None = None

    def problem(self, message: str) -> None:
        """Tell it once, however many of the ticked entries it concerns."""
        if message not in self.problems:  # type: ignore[operator]
            self.problems.append(message)  # type: ignore[union-attr]


def approve(supervisor: User, entry_ids: Iterable[int]) -> Outcome:
    """Approve each entry with the attestation, while the supervisor's credential qualifies
    for the trainee's track; the sign-off keeps the credential as it is now."""
    outcome = Outcome(problems=[])
    signed_off = notices.SignedOff()  # one message per trainee, however many entries
    for entry_id in entry_ids:
        try:
            entry = _check_supervisor(supervisor, db.session.get(HoursEntry, entry_id))
        except HoursError as error:
            outcome.problem(f"Entry {entry_id}: {error}")
            continue
        credential = _credential_now(supervisor)
        if problem := qualification_problem(entry.trainee, credential):
            db.session.rollback()
            outcome.problem(problem)
            continue
        moved = move(
            entry.id,
            (EntryStatus.SUBMITTED,),
            EntryStatus.APPROVED,
            _credential_is(supervisor, credential),
            return_comment=None,
        )
        if moved is None:
            db.session.rollback()
            changed = _credential_now(supervisor) != credential
            db.session.rollback()
            outcome.problem(
                CREDENTIAL_CHANGED
                if changed
                else f"The entry of {entry.day:%d %b %Y} was already acted on (perhaps "
                "retracted, or signed in another window); nothing was changed."
            )
            continue
        db.session.add(
            SignOff(
                entry_id=entry.id,
                supervisor_id=supervisor.id,
                supervisor_name=supervisor.name,
                supervisor_credential=credential or "",
                attestation=attestation_of(entry),
            )
        )
        audit.record(
            supervisor,
            SUBJECT,
            entry.id,
            "approved",
            EntryStatus.SUBMITTED,
            EntryStatus.APPROVED,
            attestation_of(entry),
        )
        signed_off.add(entry)
        db.session.commit()
        outcome.done += 1
    return outcome


def return_entry(supervisor: User, entry_id: int, comment: str) -> None:
    entry = _check_supervisor(supervisor, db.session.get(HoursEntry, entry_id))
    comment = comment.strip()
    if not comment:
        raise HoursError("Write a comment so the trainee knows what to correct.")
    if (
        move(entry.id, (EntryStatus.SUBMITTED,), EntryStatus.RETURNED, return_comment=comment)
        is None
    ):
        db.session.rollback()
        raise HoursError("This entry was already acted on; nothing was changed.")
    audit.record(
        supervisor,
        SUBJECT,
        entry.id,
        "returned",
        EntryStatus.SUBMITTED,
        EntryStatus.RETURNED,
        comment,
    )
    notices.hours_returned(entry)
    db.session.commit()


def void_sign_off(lead: User, entry: HoursEntry, reason: str) -> None:
    """A lead voids a sign-off with a reason; the entry goes back to the trainee to correct."""
    if lead.role != Role.LEAD:
        raise HoursError("Only a program lead can void a sign-off.")
    reason = reason.strip()
    if not reason:
        raise HoursError("Give the reason for voiding this sign-off; it stays on record.")
    sign_off = entry.sign_off
    if (
        sign_off is None
        or move(
            entry.id,
            (EntryStatus.APPROVED,),
            EntryStatus.RETURNED,
            return_comment=f"Sign-off voided: {reason}",
        )
        is None
    ):
        db.session.rollback()
        raise HoursError("This entry has no sign-off in force.")
    sign_off.voided_at = utcnow()
    sign_off.voided_by_id = lead.id
    sign_off.void_reason = reason
    audit.record(
        lead,
        SUBJECT,
        entry.id,
        "sign-off voided",
        EntryStatus.APPROVED,
        EntryStatus.RETURNED,
        reason,
    )
    notices.hours_sign_off_withdrawn(entry, sign_off.id)
    db.session.commit()
