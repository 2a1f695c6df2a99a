"""Two undo clicks (two tabs), or an undo and a lead's void, at the same moment on one
approval: exactly one takes effect, on SQLite and PostgreSQL alike, because the conditional
UPDATE decides; the other person is told plainly and nothing is recorded twice. Real requests
run in parallel threads on a real database file (or TEST_DATABASE_URL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import (
    as_user,
    assign,
    fetch,
    in_app,
    make_entry,
    make_user,
    post,
    race,
    race_app,
)
from training.extensions import db
from training.models import AuditEvent, EntryStatus, HoursEntry, Role, SignOff

ROUNDS = 3


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        yield app


@pytest.fixture
def approved(racing):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE, name="Alex Trainee")
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, "approved")  # signed just now, in the window
    return supervisor, entry


def _following(url, data=None):  # type: ignore[no-untyped-def]
    """Post, then read the page it leads to (where the flashed message is shown)."""

    def act(client):  # type: ignore[no-untyped-def]
        answer = post(client, url, data)
        location = answer.headers.get("Location")
        return client.get(location.split("#")[0]) if location else answer

    return act


def _events(action: str) -> int:
    with in_app():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def _voided() -> int:
    with in_app():
        return db.session.scalar(
            select(func.count()).select_from(SignOff).where(SignOff.voided_at.is_not(None))
        )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_undo_clicks_at_once_undo_once(racing, approved, round_):
    supervisor, entry = approved
    undo = _following(f"/supervise/{entry.id}/undo", {"next": "/supervise/history"})
    outcomes = race(racing, as_user(supervisor, undo), as_user(supervisor, undo))
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert sum("Your approval of Alex Trainee's entry is undone" in o for o in outcomes) == 1
    assert sum("You have already undone this approval" in o for o in outcomes) == 1, outcomes
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED
    assert _events("approval undone") == 1 and _voided() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_undo_and_a_lead_void_at_once_one_wins(racing, approved, round_):
    supervisor, entry = approved
    lead = make_user(Role.LEAD)
    undo = _following(f"/supervise/{entry.id}/undo", {"next": "/supervise/history"})
    void = _following(f"/lead/hours/{entry.id}/void", {"reason": "Logged twice"})
    outcomes = race(racing, as_user(supervisor, undo), as_user(lead, void))
    assert not any(o.startswith("ERROR") for o in outcomes), outcomes
    final = fetch(HoursEntry, entry.id).status
    undone, voided = _events("approval undone"), _events("sign-off voided")
    assert (undone, voided) in ((1, 0), (0, 1)), outcomes
    assert final == (EntryStatus.SUBMITTED if undone else EntryStatus.RETURNED)
    assert _voided() == 1  # one sign-off, voided once: by the undo or by the lead
