"""Ending a supervision without stranding anyone's hours.

A supervisor signs off only the hours of trainees assigned to them, and only while they are an
active account with the supervisor role. When that stops (a lead removes them from a trainee,
changes their role, or deactivates them), the assignments end, and every entry the trainees had
submitted to them and that is still waiting goes back to its trainee as *returned*, with a
comment saying why: the trainee chooses another supervisor and submits it again. Nothing waits
for someone who can no longer sign it. Each ended assignment and each returned entry is an
audit event, and each trainee with something sent back gets one email saying so
(``notices.sent_back_for_a_new_supervisor``), in the same transaction.

Submitting an entry checks, in the same UPDATE, that its supervisor still supervises the
trainee (``still_supervises``), after taking a shared lock on the assignment, which a lead's
ending of it waits for (or the other way round): an entry submitted at the moment a
supervision ends is either refused or returned with the others, never left waiting.

The same rule says what a supervisor may see of a trainee (hours, events, exam results, files,
evaluations, attestations): ``supervises``, ``supervised_trainees`` and, inside a query or an
UPDATE, ``supervision``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import aliased

from training import audit
from training.extensions import db
from training.hours.services import SUBJECT, move
from training.mail import notices
from training.models import EntryStatus, HoursEntry, Role, SupervisorAssignment, User


@dataclass(frozen=True)
class Ended:
    """What ending a supervision changed: assignments ended, and waiting entries returned."""

    trainees: int = 0
    returned: int = 0
    #: practice responses sent back because no supervisor of their trainee is left
    practice_returned: int = 0


def supervision(trainee_id: Any, supervisor_id: Any) -> ColumnElement[bool]:
    """A condition: ``supervisor_id`` is assigned to ``trainee_id`` and is an active account
    with the supervisor role (each a column or a value). Its tables are aliased, so it holds
    inside any query, one on ``User`` or ``SupervisorAssignment`` included."""
    assignment = aliased(SupervisorAssignment)
    account = aliased(User)
    assigned = exists().where(
        assignment.trainee_id == trainee_id, assignment.supervisor_id == supervisor_id
    )
    active = exists().where(
        account.id == supervisor_id, account.role == Role.SUPERVISOR, account.active.is_(True)
    )
    return assigned & active


def supervises(user: User, trainee_id: int) -> bool:
    """Whether ``user`` may see this trainee's records as their supervisor: assigned to them,
    and an active account with the supervisor role (as the database has it now)."""
    if user.role != Role.SUPERVISOR or user.id == trainee_id:
        return False
    return bool(db.session.scalar(select(supervision(trainee_id, user.id))))


def supervised_trainees(supervisor: User) -> list[User]:
    """The trainees ``supervisor`` may see (none once they are inactive), by name."""
    if supervisor.role != Role.SUPERVISOR:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.TRAINEE,
                User.id != supervisor.id,
                supervision(User.id, supervisor.id),
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


def still_supervises():  # type: ignore[no-untyped-def]
    """A condition on an hours entry: its supervisor is assigned to its trainee and is an
    active account with the supervisor role."""
    return supervision(HoursEntry.trainee_id, HoursEntry.supervisor_id)


def hold_assignment(trainee_id: int, supervisor_id: int | None) -> None:
    """Take a shared lock on the assignment (PostgreSQL; SQLite has one writer anyway), so a
    lead ending it at this moment waits for this transaction, or this one for theirs."""
    db.session.execute(
        select(SupervisorAssignment.id)
        .where(
            SupervisorAssignment.trainee_id == trainee_id,
            SupervisorAssignment.supervisor_id == supervisor_id,
        )
        .with_for_update(read=True)
    )


def remove(lead: User, trainee: User, supervisor: User) -> Ended:
    """A lead ends one supervisor's supervision of one trainee."""
    return _end(lead, supervisor, trainee_ids=[trainee.id])


def end_all(lead: User, supervisor: User) -> Ended:
    """``supervisor`` is no longer an active supervisor (their role changed, or their account was
    deactivated): they stop supervising everyone, and whatever waits for them goes back."""
    return _end(lead, supervisor, trainee_ids=None)


def _end(lead: User, supervisor: User, trainee_ids: list[int] | None) -> Ended:
    which = [SupervisorAssignment.supervisor_id == supervisor.id]
    waiting = select(HoursEntry.id, HoursEntry.trainee_id).where(
        HoursEntry.supervisor_id == supervisor.id, HoursEntry.status == EntryStatus.SUBMITTED
    )
    if trainee_ids is not None:
        which.append(SupervisorAssignment.trainee_id.in_(trainee_ids))
        waiting = waiting.where(HoursEntry.trainee_id.in_(trainee_ids))
    # The assignments go first: their rows stay locked until this transaction ends, so an entry
    # being submitted to this supervisor right now is either refused or among those read below.
    ended = list(
        db.session.scalars(
            delete(SupervisorAssignment).where(*which).returning(SupervisorAssignment.trainee_id),
            execution_options={"synchronize_session": False},
        )
    )
    for trainee_id in sorted(ended):
        audit.record(lead, "user", trainee_id, "supervisor removed", comment=supervisor.name)
    comment = (
        f"{supervisor.name} no longer supervises you, so they can't sign off this entry. "
        "Choose another supervisor and submit it again."
    )
    returned: list[int] = []  # the trainee of each entry sent back
    for entry_id, trainee_id in db.session.execute(waiting.order_by(HoursEntry.id)).all():
        if move(entry_id, (EntryStatus.SUBMITTED,), EntryStatus.RETURNED, return_comment=comment):
            audit.record(
                lead,
                SUBJECT,
                entry_id,
                "returned",
                EntryStatus.SUBMITTED,
                EntryStatus.RETURNED,
                comment,
            )
            returned.append(trainee_id)
    from training.practice.services import return_unsupervised

    practice = return_unsupervised(lead, ended)
    notices.sent_back_for_a_new_supervisor(returned, practice)
    db.session.commit()
    return Ended(trainees=len(ended), returned=len(returned), practice_returned=len(practice))


def told(supervisor: User, ended: Ended) -> str:
    """What the lead is told, in plain words."""
    trainees = f"{ended.trainees} trainee{'s' if ended.trainees != 1 else ''}"
    if ended.returned == 0:
        waiting = f"no submitted hours were waiting for {supervisor.name}"
    else:
        entries = f"{ended.returned} submitted entr{'y' if ended.returned == 1 else 'ies'}"
        waiting = (
            f"{entries} waiting for {supervisor.name} went back to the trainees as returned, "
            "so they can choose another supervisor and submit again"
        )
    return f"{supervisor.name} no longer supervises {trainees}; {waiting}.{practice_told(ended)}"


def practice_told(ended: Ended) -> str:
    """The sentence about practice responses sent back, or nothing (it starts with a space)."""
    n = ended.practice_returned
    if not n:
        return ""
    return (
        f" {n} practice response{'s' if n != 1 else ''} went back to trainees who have no "
        "supervisor left, to send again once one is assigned."
    )
