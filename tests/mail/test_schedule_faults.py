"""A fault in one kind of scheduled message (a digest, the renewal reminders, the weekly summary)
is logged and rolled back, and holds back neither of the others."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.helpers import assign, make_user
from tests.mail.test_schedule_digest import messages, run, submitted
from tests.mail.test_schedule_weekly import expiring, next_monday
from training.extensions import db
from training.mail import schedule
from training.models import Role

ALL = {"supervisor_digest", "renewal_due", "lead_weekly"}


def broken(now):  # type: ignore[no-untyped-def]
    """Fails as a database fault does: the transaction is left aborted (PostgreSQL)."""
    db.session.execute(text("SELECT * FROM no_such_table"))


@pytest.mark.parametrize(
    ("job", "kind"),
    [
        ("queue_digests", "supervisor_digest"),
        ("queue_renewal_reminders", "renewal_due"),
        ("queue_weekly_summaries", "lead_weekly"),
    ],
)
def test_a_fault_in_one_kind_holds_back_neither_other(app, monkeypatch, caplog, job, kind):
    monday = next_monday()
    make_user(Role.LEAD)
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user(Role.TRAINEE)
    assign(trainee, supervisor)
    submitted(trainee, supervisor, monday - timedelta(hours=1))
    expiring(trainee, monday.date() + timedelta(days=20))
    monkeypatch.setattr(schedule, job, broken)
    with caplog.at_level(logging.ERROR):
        assert run(app, monday) == 2
    assert {m.kind for m in messages()} == ALL - {kind}
    assert "no_such_table" in caplog.text
    monkeypatch.undo()
    assert run(app, monday + timedelta(minutes=1)) == 1  # mended: the one held back is written
    assert {m.kind for m in messages()} == ALL
