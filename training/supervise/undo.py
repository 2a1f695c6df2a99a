"""Undoing a mistaken approval, for a short while after it (``SIGNOFF_UNDO_MINUTES``).

The supervisor who approved an entry may put it back to *submitted* (in their queue again)
while all of these hold, each checked by the conditional UPDATE itself, so a lead voiding the
sign-off, the window closing or a certificate being issued at the same moment cannot slip
between a check and the change:

- the entry is still approved, addressed to this supervisor, who still supervises the trainee;
- its sign-off in force is theirs and was signed within the window;
- no certificate was issued to the trainee since that sign-off, nor is one being issued: the
  undo takes the trainee's lock first (``training.trainee_lock``), which issuing holds from
  reading the checklist until its certificate is in. Issuing signs a snapshot of
  the trainee's approved totals (``training.certs.issuing``), so any certificate issued after
  the approval counted these hours; undoing the approval then would leave a certificate that
  claims hours no longer approved. Only a lead can correct that (void, then revoke or re-issue).

The sign-off stays on record, marked voided by the supervisor with the reason "undone"
(a sign-off is never deleted: ``hours.services.delete``), and the undo is an audit event.
The "your hours were signed off" email that told of the approval is withdrawn in the same
transaction while no mail worker has picked it up; once one has, the trainee is emailed that the
entry is being looked at again (``training.mail.notices.hours_sign_off_undone``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Exists, exists, update
from sqlalchemy.orm import aliased

from certificates.hours import long_date
from training import audit
from training.dates import long_time
from training.extensions import db
from training.hours.assignments import hold_assignment, still_supervises, supervises
from training.hours.services import SUBJECT, HoursError, move
from training.mail import notices
from training.models import Certificate, EntryStatus, HoursEntry, SignOff, User, utcnow
from training.trainee_lock import lock_trainee

#: the audit event's action
UNDONE = "approval undone"


def window() -> timedelta:
    """How long after approving a supervisor may undo it."""
    return timedelta(minutes=int(current_app.config["SIGNOFF_UNDO_MINUTES"]))


def enabled() -> bool:
    """Whether approvals can be undone at all on this site (a window of 0 turns it off)."""
    return window() > timedelta(0)


def minutes_words() -> str:
    minutes = int(current_app.config["SIGNOFF_UNDO_MINUTES"])
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _certificate_since(trainee_id: Any, moment: Any) -> Exists:
    """A certificate (of any kind) was issued to the trainee at or after the moment (each a
    column or a value)."""
    # Correlated to whatever the trainee and moment come from, however deep it is nested (an
    # EXISTS inside an EXISTS would otherwise take in a FROM of its own: any trainee's).
    return (
        exists()
        .where(Certificate.user_id == trainee_id, Certificate.issued_at >= moment)
        .correlate_except(Certificate)
    )


def undoable_condition(supervisor: User, cutoff: datetime) -> ColumnElement[bool]:
    """A condition on an approved ``HoursEntry``: its sign-off in force is ``supervisor``'s,
    signed after ``cutoff``, with no certificate issued to the trainee since; the entry is
    addressed to them and they still supervise the trainee. Its sign-off table is aliased, so
    it holds inside a query that joins ``SignOff`` too."""
    sign_off = aliased(SignOff)
    recent_sign_off = exists().where(
        sign_off.entry_id == HoursEntry.id,
        sign_off.supervisor_id == supervisor.id,
        sign_off.voided_at.is_(None),
        sign_off.signed_at >= cutoff,
        ~_certificate_since(HoursEntry.trainee_id, sign_off.signed_at),
    )
    return (HoursEntry.supervisor_id == supervisor.id) & still_supervises() & recent_sign_off


@dataclass(frozen=True)
class Undoable:
    """An approval the supervisor may still undo, and until when."""

    entry: HoursEntry
    sign_off: SignOff
    until: datetime


def own_entry(supervisor: User, entry_id: int) -> HoursEntry | None:
    """The entry, if it is addressed to this supervisor (else None: a 404 for them)."""
    entry = db.session.get(HoursEntry, entry_id)
    if entry is None or entry.supervisor_id != supervisor.id:
        return None
    return entry


def _undone_by(supervisor: User, entry: HoursEntry) -> bool:
    """The entry waits for sign-off again because this supervisor undid its approval."""
    if entry.status != EntryStatus.SUBMITTED:
        return False
    voided = [s for s in entry.sign_offs if s.voided_at is not None]
    latest = max(voided, key=lambda s: s.voided_at or s.signed_at, default=None)
    return latest is not None and latest.voided_by_id == supervisor.id


def check(supervisor: User, entry: HoursEntry) -> Undoable:
    """The approval, if it can be undone now; else HoursError saying why, in plain words."""
    sign_off = entry.sign_off
    name = entry.trainee.name
    if _undone_by(supervisor, entry):
        raise HoursError(
            f"You have already undone this approval: {name}'s entry of {long_date(entry.day)} "
            "is waiting in your sign-off queue."
        )
    if entry.status != EntryStatus.APPROVED or sign_off is None:
        raise HoursError(
            f"{name}'s entry of {long_date(entry.day)} is not approved any more (a program "
            "lead may have voided the sign-off), so there is nothing to undo."
        )
    if sign_off.supervisor_id != supervisor.id:
        raise HoursError("Another supervisor signed this entry off, so only they could undo it.")
    if not supervises(supervisor, entry.trainee_id):
        raise HoursError(f"You no longer supervise {name}, so you can't undo this approval.")
    if not enabled():
        raise HoursError(
            "Approvals can't be undone on this site. If this one was a mistake, ask your "
            "program lead to void the sign-off."
        )
    until = sign_off.signed_at + window()
    if utcnow() >= until:
        raise HoursError(
            f"You approved this entry more than {minutes_words()} ago, so it can't be undone "
            "here any more. If the approval was a mistake, ask your program lead to void the "
            "sign-off."
        )
    if db.session.scalar(_certificate_since(entry.trainee_id, sign_off.signed_at).select()):
        raise HoursError(
            f"A certificate was issued to {name} after you approved this entry, and it counts "
            "these hours, so the approval can't be undone. If it was a mistake, ask your "
            "program lead: they can void the sign-off and correct the certificate."
        )
    return Undoable(entry, sign_off, until)


def undo(supervisor: User, entry: HoursEntry) -> None:
    """Put the approved entry back to submitted, if it can be undone (HoursError if not)."""
    # The lock first: a certificate being issued right now holds it until it is in (then the
    # UPDATE below sees it and refuses), and so does an undo of the same approval from another
    # tab. What is read after it (it expires the session) is read whole after theirs: reads
    # from before could mix the entry as it was with its sign-offs as they are now.
    lock_trainee(entry.trainee_id)
    undoable = check(supervisor, entry)
    hold_assignment(entry.trainee_id, supervisor.id)
    now = utcnow()
    moved = move(
        entry.id,
        (EntryStatus.APPROVED,),
        EntryStatus.SUBMITTED,
        undoable_condition(supervisor, now - window()),
    )
    if moved is None:
        db.session.rollback()
        db.session.refresh(entry)
        check(supervisor, entry)  # says what changed meanwhile
        raise HoursError("This entry changed while you were undoing; nothing was changed.")
    reason = (
        f"Undone by {supervisor.name} at {long_time(now)}, within {minutes_words()} of signing."
    )
    db.session.execute(
        update(SignOff)
        .where(
            SignOff.entry_id == entry.id,
            SignOff.supervisor_id == supervisor.id,
            SignOff.voided_at.is_(None),
        )
        .values(voided_at=now, voided_by_id=supervisor.id, void_reason=reason),
        execution_options={"synchronize_session": False},
    )
    audit.record(
        supervisor, SUBJECT, entry.id, UNDONE, EntryStatus.APPROVED, EntryStatus.SUBMITTED, reason
    )
    notices.hours_sign_off_undone(entry, undoable.sign_off.id)
    db.session.commit()
