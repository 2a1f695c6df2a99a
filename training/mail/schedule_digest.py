"""The supervisor's digest: what waits for their sign-off or review, at most once per
``MAIL_DIGEST_HOURS`` (0: no digest; ``training.mail.notices`` writes a message for each
submission instead).

A supervisor gets one when something in their queue arrived after their last digest (or they
never had one) and that digest was written at least ``MAIL_DIGEST_HOURS`` ago. Their queue is
the one their pages show (``hours.services`` and ``practice.services`` say what is in it); an
item arrives when it is submitted, or when its trainee is assigned to them later. The message
holds counts and links only: no trainee's name, no note, no response.

One query reads every supervisor's counts, newest arrival and last digest (correlated
subqueries on indexed columns), however many supervisors and trainees there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, select

from training.extensions import db
from training.hours.services import _queue as hours_queue
from training.mail.kinds import SUPERVISOR_DIGEST
from training.mail.models import OutboxMessage
from training.mail.schedule_common import (
    counted,
    digest_hours,
    people,
    wanting,
    write_once,
    written,
)
from training.models import HoursEntry, Role, SupervisorAssignment, User
from training.practice.models import PracticeResponse
from training.practice.services import waiting_count_column
from training.urls import public_url

KIND = SUPERVISOR_DIGEST.name


@dataclass(frozen=True)
class Waiting:
    """What waits for one supervisor."""

    supervisor_id: int
    hours: int
    practice: int
    #: when the newest of it arrived in their queue (None when nothing waits)
    arrived: datetime | None
    #: when their last digest was written (None: never)
    last_digest: datetime | None

    @property
    def news(self) -> bool:
        """Something waits that their last digest did not tell of."""
        if not (self.hours or self.practice) or self.arrived is None:
            return False
        return self.last_digest is None or self.arrived > self.last_digest

    @property
    def headline(self) -> str:
        """The subject, e.g. "For your review: 3 entries of hours and 1 practice response"
        (never "3 hours entries", which reads as three hours)."""
        parts = []
        if self.hours:
            parts.append(counted(self.hours, "entry of hours", "entries of hours"))
        if self.practice:
            parts.append(counted(self.practice, "practice response", "practice responses"))
        return f"For your review: {' and '.join(parts)}"

    @property
    def sentence(self) -> str:
        """The first line, e.g. "Your Sign-off queue has 3 entries of hours to sign off and 1
        practice response to review." (the queue's page name)."""
        parts = []
        if self.hours:
            parts.append(counted(self.hours, "entry of hours", "entries of hours") + " to sign off")
        if self.practice:
            practice = counted(self.practice, "practice response", "practice responses")
            parts.append(f"{practice} to review")
        return f"Your Sign-off queue has {' and '.join(parts)}."


def digest_key(supervisor_id: int, last_digest: datetime | None) -> str:
    """The digest that follows the supervisor's last one (or their first): two workers that
    read the same state write one digest, at whatever moments on the clock they run (a key
    per window of hours let two workers either side of a window's edge write one each)."""
    after = last_digest.isoformat() if last_digest else "none"
    return f"digest:{supervisor_id}:after:{after}"


def queue_digests(now: datetime) -> int:
    """Write the digests that are due; how many were written."""
    hours = digest_hours()
    if hours <= 0:
        return 0
    due = [w for w in waiting_for_supervisors(now - timedelta(hours=hours)) if w.news]
    keys = {w.supervisor_id: digest_key(w.supervisor_id, w.last_digest) for w in due}
    done = written(keys.values())
    due = [w for w in due if keys[w.supervisor_id] not in done]
    accounts = people(w.supervisor_id for w in due)
    sent = 0
    for w in due:
        sent += write_once(
            now,
            accounts[w.supervisor_id],
            KIND,
            "digest",
            w.headline,
            keys[w.supervisor_id],
            waiting=w,
            **_links(),
        )
    return sent


def _links() -> dict[str, Any]:
    queue = public_url("supervise.queue")
    return {"hours_url": queue, "practice_url": f"{queue}#practice"}


def _arrival(submitted_at: Any) -> Any:
    """When an item arrived in a supervisor's queue: submitted, or its trainee assigned to them
    later (the assignment is joined in both queue queries)."""
    assigned_at = SupervisorAssignment.assigned_at
    return case((submitted_at > assigned_at, submitted_at), else_=assigned_at)


def waiting_for_supervisors(digested_before: datetime) -> list[Waiting]:
    """Every active supervisor who wants digests and had none since ``digested_before``, with
    what waits for them, in one query."""
    hours_count = hours_queue(select(func.count()).select_from(HoursEntry), User.id)
    hours_arrived = hours_queue(
        select(func.max(_arrival(HoursEntry.submitted_at))).select_from(HoursEntry), User.id
    )
    practice_count = waiting_count_column(User.id)
    practice_arrived = practice_count.with_only_columns(
        func.max(_arrival(PracticeResponse.submitted_at))
    )
    last_digest = (
        select(func.max(OutboxMessage.created_at))
        .where(OutboxMessage.user_id == User.id, OutboxMessage.kind == KIND)
        .correlate(User)
        .scalar_subquery()
    )
    columns = [
        q.correlate(User).scalar_subquery()
        for q in (hours_count, practice_count, hours_arrived, practice_arrived)
    ]
    rows = db.session.execute(
        select(User.id, *columns, last_digest).where(
            User.role == Role.SUPERVISOR,
            *wanting(KIND),
            ~exists().where(
                OutboxMessage.user_id == User.id,
                OutboxMessage.kind == KIND,
                OutboxMessage.created_at > digested_before,
            ),
        )
    )
    return [
        Waiting(
            supervisor_id=supervisor_id,
            hours=hours or 0,
            practice=practice or 0,
            arrived=max((t for t in (hours_at, practice_at) if t is not None), default=None),
            last_digest=last,
        )
        for supervisor_id, hours, practice, hours_at, practice_at, last in rows
    ]
