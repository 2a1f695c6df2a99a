"""Supervisors' sign-offs and leads' voids: approving, returning and voiding hours entries.

Like every change of an entry's status, each is a conditional UPDATE (see
``training.hours.services``), so two people acting on one entry at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from training import audit
from training.extensions import db
from training.hours.services import ATTESTATION, SUBJECT, HoursError, _move, assigned_trainee_ids
from training.models import (
    EntryStatus,
    HoursEntry,
    Role,
    SignOff,
    User,
    utcnow,
)


def _check_supervisor(supervisor: User, entry: HoursEntry | None) -> HoursEntry:
    if entry is None or supervisor.role != Role.SUPERVISOR or not supervisor.active:
        raise HoursError("That entry is not in your queue.")
    if entry.trainee_id == supervisor.id:
        raise HoursError("You can't sign off your own hours.")
    if entry.supervisor_id != supervisor.id or entry.trainee_id not in assigned_trainee_ids(
        supervisor
    ):
        raise HoursError("That entry is not in your queue.")
    return entry


@dataclass
class Outcome:
    done: int = 0
    problems: list[str] | None = None


def approve(supervisor: User, entry_ids: Iterable[int]) -> Outcome:
    """Approve each entry with the attestation; the supervisor's credential is kept as it is now."""
    outcome = Outcome(problems=[])
    for entry_id in entry_ids:
        try:
            entry = _check_supervisor(supervisor, db.session.get(HoursEntry, entry_id))
        except HoursError as error:
            outcome.problems.append(f"Entry {entry_id}: {error}")  # type: ignore[union-attr]
            continue
        if (
            _move(entry.id, (EntryStatus.SUBMITTED,), EntryStatus.APPROVED, return_comment=None)
            is None
        ):
            db.session.rollback()
            outcome.problems.append(  # type: ignore[union-attr]
                f"The entry of {entry.day:%d %b %Y} was already acted on (perhaps retracted, or "
                "signed in another window); nothing was changed."
            )
            continue
        db.session.add(
            SignOff(
                entry_id=entry.id,
                supervisor_id=supervisor.id,
                supervisor_name=supervisor.name,
                supervisor_credential=supervisor.credential or "",
                attestation=ATTESTATION,
            )
        )
        audit.record(
            supervisor,
            SUBJECT,
            entry.id,
            "approved",
            EntryStatus.SUBMITTED,
            EntryStatus.APPROVED,
            ATTESTATION,
        )
        db.session.commit()
        outcome.done += 1
    return outcome


def return_entry(supervisor: User, entry_id: int, comment: str) -> None:
    entry = _check_supervisor(supervisor, db.session.get(HoursEntry, entry_id))
    comment = comment.strip()
    if not comment:
        raise HoursError("Write a comment so the trainee knows what to correct.")
    if (
        _move(entry.id, (EntryStatus.SUBMITTED,), EntryStatus.RETURNED, return_comment=comment)
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
        or _move(
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
    db.session.commit()
