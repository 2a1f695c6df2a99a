"""Two workers scheduling at the same moment write each message once: the outbox's unique dedupe
key decides, on SQLite (a database file shared by threads) and PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.helpers import (
    RACE_TIMEOUT,
    assign,
    in_app,
    make_certificate,
    make_user,
    race_app,
)
from tests.mail.test_schedule_digest import submitted
from tests.mail.test_schedule_weekly import marks, next_monday, week_mark
from training.extensions import db
from training.mail.models import OutboxMessage
from training.mail.schedule import queue_due
from training.models import Certificate, Role

WORKERS = 3


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        yield app


def at_once(app, now, workers: int = WORKERS) -> list[object]:
    """``queue_due(now)`` in ``workers`` threads released together, each with its own app
    context and database session; what each returned (or raised)."""
    barrier = threading.Barrier(workers, timeout=RACE_TIMEOUT)
    outcomes: list[object] = ["NOT STARTED"] * workers

    def work(i: int) -> None:
        with app.test_request_context():
            try:
                barrier.wait()
                outcomes[i] = queue_due(now)
            except Exception as error:  # reported by the test
                outcomes[i] = error

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), f"hung: {outcomes}"
    return outcomes


def written_by_kind() -> dict[str, int]:
    with in_app():
        return dict(
            db.session.execute(
                select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)
            ).all()
        )


def test_workers_scheduling_at_once_write_each_message_once(racing):
    app = racing
    monday = next_monday()
    make_user(Role.LEAD)
    make_user(Role.LEAD)
    for n in range(4):
        supervisor = make_user(Role.SUPERVISOR)
        trainee = make_user(Role.TRAINEE)
        assign(trainee, supervisor)
        submitted(trainee, supervisor, monday - timedelta(hours=n + 1))
        cert = make_certificate(trainee)
        with in_app():
            db.session.execute(
                update(Certificate)
                .where(Certificate.id == cert.id)
                .values(expires_on=monday.date() + timedelta(days=20 + n))
            )
            db.session.commit()

    outcomes = at_once(app, monday)

    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(outcomes) == 4 + 4 + 2  # type: ignore[arg-type]
    assert written_by_kind() == {"supervisor_digest": 4, "renewal_due": 4, "lead_weekly": 2}
    assert marks() == [week_mark(monday)]  # one worker worked the week out
    assert at_once(app, monday + timedelta(minutes=1)) == [0] * WORKERS
    assert written_by_kind() == {"supervisor_digest": 4, "renewal_due": 4, "lead_weekly": 2}
