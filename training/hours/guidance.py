"""What the hours pages tell a trainee about their situation: why an entry came back to them,
and whom to ask when no supervisor is assigned."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from training.extensions import db
from training.models import EntryStatus, HoursEntry, Role, SignOff, User


def withdrawn_sign_off(entry: HoursEntry) -> SignOff | None:
    """The sign-off a program lead voided, when that void is why the entry is back with the
    trainee (it is returned, and was not submitted again since the void); else None.

    A void returns the entry without a mark of its own on the entry (its comment is a plain
    text), but the voided sign-off keeps when it was voided and by whom: a lead's void after
    the entry's last submission is what sent it back. A later return by a supervisor, or by a
    lead ending a supervision, always follows a new submission. A sign-off voided by the
    supervisor who signed it is their own undo (``supervise.undo``), which puts the entry back
    in their queue, not with the trainee. Reads ``entry.sign_offs``, which the lists load with
    the entries, so it costs no query."""
    if entry.status != EntryStatus.RETURNED:
        return None
    voids = [
        (s.voided_at, s)
        for s in entry.sign_offs
        if s.voided_at is not None and s.voided_by_id != s.supervisor_id
    ]
    if not voids:
        return None
    voided_at, last = max(voids, key=lambda pair: pair[0])
    if entry.submitted_at is not None and voided_at < entry.submitted_at:
        return None
    return last


@dataclass(frozen=True)
class ReturnNote:
    """Why an entry came back, with whom it came from, in the words the trainee reads."""

    #: "lead" when a program lead withdrew the sign-off, else "supervisor"
    source: str
    heading: str
    text: str


def return_note(entry: HoursEntry, supervisor_ids: Iterable[int]) -> ReturnNote | None:
    """The note shown with a returned entry: the lead's void, the supervisor's comment, or why
    it was sent back when its supervisor no longer supervises the trainee."""
    if entry.status != EntryStatus.RETURNED:
        return None
    withdrawn = withdrawn_sign_off(entry)
    if withdrawn is not None:
        return ReturnNote(
            "lead",
            "Your program lead reopened this entry. Their note:",
            withdrawn.void_reason or "",
        )
    if not entry.return_comment:
        return None
    if entry.supervisor_id not in set(supervisor_ids):
        return ReturnNote("supervisor", "Sent back:", entry.return_comment)
    return ReturnNote("supervisor", "Your supervisor's comment:", entry.return_comment)


def program_leads() -> list[User]:
    """The program's active leads: they assign supervisors, so a trainee without one asks them."""
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.LEAD, User.active.is_(True)).order_by(User.name)
        )
    )
