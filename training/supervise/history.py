"""A supervisor's own sign-off history: what they approved, returned or undid, when and for
whom, newest first, a page at a time, read from the audit trail (which keeps every one of
these, and the returns that are not sign-offs). An approval they may still undo says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from training.auth import role_required
from training.extensions import db
from training.hours import services
from training.hours.services import SUBJECT
from training.models import AuditEvent, EntryStatus, HoursEntry, Role, User
from training.supervise import bp, undo
from training.supervise.recent_approvals import undoable_approvals

HISTORY_PAGE_SIZE = 25
#: the audit events that are a supervisor's decisions on hours, in the words the page uses
DECISIONS = {"approved": "Approved", "returned": "Returned", undo.UNDONE: "Undid the approval"}
#: where the entry is now, from the supervisor's side
NOW = {
    EntryStatus.DRAFT: "With the trainee (draft)",
    EntryStatus.SUBMITTED: "Waiting for sign-off",
    EntryStatus.RETURNED: "With the trainee to correct",
    EntryStatus.APPROVED: "Approved",
}


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    #: None when the trainee has deleted the entry since (only returned entries can be)
    entry: HoursEntry | None
    #: the supervisor may open the entry's page (they still supervise the trainee)
    viewable: bool
    #: until when the approval can be undone; None if it can't (or is not an approval)
    undo_until: datetime | None

    @property
    def decision(self) -> str:
        return DECISIONS.get(self.event.action, self.event.action)

    @property
    def now(self) -> str:
        return NOW.get(self.entry.status, "") if self.entry else ""


def _mine(supervisor: User):  # type: ignore[no-untyped-def]
    return (
        AuditEvent.actor_id == supervisor.id,
        AuditEvent.subject_type == SUBJECT,
        AuditEvent.action.in_(list(DECISIONS)),
    )


def _undoable(supervisor: User, events: list[AuditEvent]) -> dict[int, datetime]:
    """Event id -> until when, for each approval on the page that can still be undone: the
    newest approval of its entry, whose sign-off is the supervisor's, recent, in force."""
    approved = {e.subject_id for e in events if e.action == "approved"}
    if not approved:
        return {}
    newest = dict(
        db.session.execute(
            select(AuditEvent.subject_id, func.max(AuditEvent.id))
            .where(*_mine(supervisor), AuditEvent.action == "approved")
            .where(AuditEvent.subject_id.in_(approved))
            .group_by(AuditEvent.subject_id)
        ).all()
    )
    signed = {a.entry.id: a.until for a in undoable_approvals(supervisor, approved)}
    return {newest[entry_id]: until for entry_id, until in signed.items()}


def history_page(supervisor: User, page: int) -> tuple[list[HistoryRow], int, int, int]:
    """(rows, total, page, pages): the supervisor's decisions, newest first."""
    total = (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(*_mine(supervisor)))
        or 0
    )
    pages = max(1, ceil(total / HISTORY_PAGE_SIZE))
    page = min(max(1, page), pages)
    found = db.session.execute(
        select(AuditEvent, HoursEntry)
        .outerjoin(HoursEntry, HoursEntry.id == AuditEvent.subject_id)
        .options(joinedload(HoursEntry.trainee))
        .where(*_mine(supervisor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * HISTORY_PAGE_SIZE)
        .limit(HISTORY_PAGE_SIZE)
    ).all()
    undoable = _undoable(supervisor, [event for event, _ in found])
    supervised = services.assigned_trainee_ids(supervisor)
    rows = [
        HistoryRow(
            event=event,
            entry=entry,
            viewable=entry is not None
            and entry.supervisor_id == supervisor.id
            and entry.trainee_id in supervised,
            undo_until=undoable.get(event.id),
        )
        for event, entry in found
    ]
    return rows, total, page, pages


@bp.route("/history")
@role_required(Role.SUPERVISOR)
def history():  # type: ignore[no-untyped-def]
    """What I approved, returned or undid, newest first."""
    rows, total, page, pages = history_page(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "supervise/history.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        undo_minutes=undo.minutes_words() if undo.enabled() else "",
    )
