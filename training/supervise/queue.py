"""The sign-off queue page: the supervisor's waiting entries grouped by trainee, and what they
ticked, typed and got wrong, kept when the page comes back with an error (a 400), so nobody
has to tick thirty entries again because the attestation box was missed."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from math import ceil

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from certificates.hours import Totals
from training.extensions import db
from training.hours import services, signoffs
from training.hours.assignments import supervised_trainees
from training.hours.forms import ActionForm, ReturnForm
from training.input_checks import database_ids
from training.models import HoursEntry, User
from training.supervise import undo
from training.supervise.recent_approvals import JustApproved, undoable_approvals

QUEUE_PAGE_SIZE = 50
#: the approvals listed for undoing on the queue (the rest are in the history)
JUST_APPROVED_SHOWN = 10


@dataclass
class QueueState:
    """What the supervisor ticked and what went wrong, for the page shown back to them (the
    comments they typed come back through each entry's return form)."""

    page: int = 1
    ticked: set[int] = field(default_factory=set)
    tick_all: bool = False
    attested: bool = False
    #: next to the Approve button: nothing was ticked
    tick_error: str = ""
    #: next to the attestation box
    attest_error: str = ""
    #: entry id -> the problem, shown next to that entry's return comment
    entry_errors: dict[int, str] = field(default_factory=dict)


def state_from_request() -> QueueState:
    """The queue as the person left it: the page, the ticks and the attestation box (from the
    form posted, or the address the page was sent back to)."""
    values = request.form if request.method == "POST" else request.args
    return QueueState(
        page=values.get("page", 1, type=int) or 1,
        ticked=set(database_ids(values.getlist("entry"))),
        attested=values.get("attest") == "yes",
    )


def queue_address(state: QueueState) -> str:
    """The queue's address keeping the person's place after an action: the page, the ticks
    and the attestation box (read back by ``state_from_request``). What they typed beside other
    entries is not carried: free text, which can name people, stays out of addresses."""
    return url_for(
        "supervise.queue",
        page=state.page if state.page > 1 else None,
        entry=sorted(state.ticked) or None,
        attest="yes" if state.attested else None,
    )


def from_queue() -> bool:
    """Whether the form was the queue's (which says its page), not an entry's own page."""
    return "page" in request.form


def typed_beside_others(acted_on: set[int]) -> bool:
    """Whether the posted queue holds a comment typed beside an entry not acted on: then the
    queue is shown again at once, keeping it, rather than by a redirect that could not."""
    typed = (
        name.removeprefix("entry-").removesuffix("-comment")
        for name, value in request.form.items(multi=True)
        if name.startswith("entry-") and name.endswith("-comment") and value.strip()
    )
    return any(not e.isdigit() or int(e) not in acted_on for e in typed)


def return_form(entry_id: int) -> ReturnForm:
    """One entry's return comment on the queue page (the queue's form carries the CSRF
    token once for all of them)."""
    return ReturnForm(prefix=f"entry-{entry_id}", meta={"csrf": False})


@dataclass
class TraineeGroup:
    trainee: User
    entries: list[HoursEntry]


def _ordered(supervisor: User):  # type: ignore[no-untyped-def]
    """Grouped by trainee, the trainee with the oldest activity first; within a trainee, the
    oldest activity date first (then the order they were submitted in)."""
    oldest = func.min(HoursEntry.day).over(partition_by=HoursEntry.trainee_id)
    return (
        services.queue_query(supervisor)
        .order_by(None)
        .order_by(
            oldest, HoursEntry.trainee_id, HoursEntry.day, HoursEntry.submitted_at, HoursEntry.id
        )
    )


def just_approved(supervisor: User) -> list[JustApproved]:
    """The supervisor's approvals they may still undo, newest first (one more than shown, to
    know whether there are more)."""
    return undoable_approvals(supervisor, limit=JUST_APPROVED_SHOWN + 1)


def render_queue(state: QueueState, status: int = 200):  # type: ignore[no-untyped-def]
    """The queue page, a page at a time (a supervisor of a large cohort can have hundreds
    waiting), as ``state`` left it."""
    total = (
        db.session.scalar(
            select(func.count()).select_from(
                services.queue_query(current_user).order_by(None).subquery()
            )
        )
        or 0
    )
    pages = max(1, ceil(total / QUEUE_PAGE_SIZE))
    page = min(max(1, state.page), pages)
    entries = db.session.scalars(
        _ordered(current_user)
        .options(joinedload(HoursEntry.trainee))
        .offset((page - 1) * QUEUE_PAGE_SIZE)
        .limit(QUEUE_PAGE_SIZE)
    ).all()
    groups = [
        TraineeGroup(group[0].trainee, group)
        for group in (list(rows) for _, rows in groupby(entries, key=lambda e: e.trainee_id))
    ]
    ticked = {e.id for e in entries} if state.tick_all else state.ticked
    forms = {e.id: return_form(e.id) for e in entries}
    for entry_id, problem in state.entry_errors.items():
        if entry_id in forms:
            forms[entry_id].comment.errors = [problem]
    recent = just_approved(current_user)
    totals: dict[int, Totals] = services.approved_totals_by_trainee({e.trainee_id for e in entries})
    return render_template(
        "supervise/queue.html",
        groups=groups,
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        totals=totals,
        ticked=ticked,
        all_ticked=bool(entries) and ticked >= {e.id for e in entries},
        state=state,
        forms=forms,
        attestation=signoffs.queue_attestation(entries),
        form=ActionForm(),
        just_approved=recent[:JUST_APPROVED_SHOWN],
        more_just_approved=len(recent) > JUST_APPROVED_SHOWN,
        undo_minutes=undo.minutes_words(),
        has_trainees=bool(entries) or bool(supervised_trainees(current_user)),
    ), status
