"""The approvals a supervisor may still undo, and until when: one query for the queue's "Just
approved" list and the sign-off history's "Undo" links.

It starts from the supervisor's sign-offs in force signed since the undo window opened (the
join's conditions), so only recent ones matter, not their whole approved history: first the
sign-offs in the window, through ``ix_sign_off_supervisor_signed``, then the full conditions on
those entries only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.extensions import db
from training.models import EntryStatus, HoursEntry, SignOff, User, utcnow
from training.supervise import undo


@dataclass(frozen=True)
class JustApproved:
    entry: HoursEntry
    until: datetime


def undoable_approvals(
    supervisor: User, entry_ids: Collection[int] | None = None, limit: int | None = None
) -> list[JustApproved]:
    """The supervisor's approvals they may still undo (of ``entry_ids`` only, when given),
    newest first, at most ``limit`` of them."""
    if entry_ids is not None and not entry_ids:
        return []
    cutoff = utcnow() - undo.window()
    # The supervisor's sign-offs in the window, through their own index (most of the time
    # there are none, and nothing more is asked); then the full conditions on those entries.
    recent = db.session.scalars(
        select(SignOff.entry_id).where(
            SignOff.supervisor_id == supervisor.id,
            SignOff.signed_at >= cutoff,
            SignOff.voided_at.is_(None),
        )
    ).all()
    entry_ids = set(recent) if entry_ids is None else set(recent) & set(entry_ids)
    if not entry_ids:
        return []
    query = (
        select(HoursEntry, SignOff.signed_at)
        .select_from(SignOff)
        .join(HoursEntry, HoursEntry.id == SignOff.entry_id)
        .options(joinedload(HoursEntry.trainee))
        .where(
            SignOff.supervisor_id == supervisor.id,
            SignOff.signed_at >= cutoff,
            SignOff.voided_at.is_(None),
            HoursEntry.status == EntryStatus.APPROVED,
            undo.undoable_condition(supervisor, cutoff),
        )
        .order_by(SignOff.signed_at.desc(), HoursEntry.id.desc())
    )
    query = query.where(HoursEntry.id.in_(sorted(entry_ids)))
    if limit is not None:
        query = query.limit(limit)
    return [
        JustApproved(entry, signed_at + undo.window())
        for entry, signed_at in db.session.execute(query).all()
    ]
