"""Scheduled messages: what the worker writes to the outbox on every pass, before sending.

``queue_due(now)`` writes whatever is due at ``now``:

- a supervisor's digest of hours and practice waiting for them (``schedule_digest``);
- renewal reminders 60, 30 and 7 days before a certificate expires (``schedule_renewals``);
- the leads' weekly summary (``schedule_weekly``).

Each message is written under a dedupe key (``outbox.queue_once``), so two workers running it
at the same moment, or one running it every 30 seconds, write each message once. Each kind
first reads which of its keys exist already, so a pass with nothing new costs a few queries.

Each kind runs on its own: a fault in one (a bad row, a template that cannot be rendered, the
database refusing) is logged and rolled back, and the others are still written on this pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from training.extensions import db
from training.mail.schedule_digest import queue_digests
from training.mail.schedule_renewals import queue_renewal_reminders
from training.mail.schedule_weekly import queue_weekly_summaries

log = logging.getLogger(__name__)


def queue_due(now: datetime) -> int:
    """Write the scheduled messages due at ``now`` (timezone-aware); how many were written.
    Each is committed as it is written. A kind that fails is logged (with its traceback) and
    left for the next pass; nothing is raised."""
    if now.tzinfo is None:
        raise ValueError("naive datetime given; use datetime.now(UTC)")
    now = now.astimezone(UTC)
    jobs: list[tuple[str, Callable[[datetime], int]]] = [
        ("supervisors' digests", queue_digests),
        ("renewal reminders", queue_renewal_reminders),
        ("leads' weekly summaries", queue_weekly_summaries),
    ]
    written = 0
    for what, job in jobs:
        try:
            written += job(now)
        except Exception:
            db.session.rollback()
            log.exception("Writing the %s failed; the other scheduled messages go on", what)
    return written
