"""Scheduled messages: what the worker writes to the outbox on every pass, before sending.

``queue_due(now)`` writes whatever is due at ``now``:

- a supervisor's digest of hours and practice waiting for them (``schedule_digest``);
- renewal reminders 60, 30 and 7 days before a certificate expires (``schedule_renewals``);
- the leads' weekly summary (``schedule_weekly``).

Each message is written under a dedupe key (``outbox.queue_once``), so two workers running it
at the same moment, or one running it every 30 seconds, write each message once. Each kind
first reads which of its keys exist already, so a pass with nothing new costs a few queries.
"""

from __future__ import annotations

from datetime import UTC, datetime

from training.mail.schedule_digest import queue_digests
from training.mail.schedule_renewals import queue_renewal_reminders
from training.mail.schedule_weekly import queue_weekly_summaries


def queue_due(now: datetime) -> int:
    """Write the scheduled messages due at ``now`` (timezone-aware); how many were written.
    Each is committed as it is written."""
    if now.tzinfo is None:
        raise ValueError("naive datetime given; use datetime.now(UTC)")
    now = now.astimezone(UTC)
    return queue_digests(now) + queue_renewal_reminders(now) + queue_weekly_summaries(now)
