"""Two people acting on one outside-training record at the same moment: real requests in
parallel threads against one app on a database several connections share. The database
decides (a conditional UPDATE or DELETE): exactly one change, audited once; the other person
is told plainly what happened instead."""

from __future__ import annotations

import pytest

from tests.helpers import (
    TEST_DATABASE_URL,
    app_with_database,
    as_user,
    fetch,
    make_user,
    post,
    race,
)
from tests.training.outside.support import events_of, make_record
from training.models import Role
from training.outside.models import OutsideRecord
from training.uploads.models import StoredFile

ROUNDS = 3


@pytest.fixture
def racing(tmp_path):
    database = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/race.db"
    with app_with_database(SQLALCHEMY_DATABASE_URI=database) as app:
        yield app


def _following(url, data=None):  # type: ignore[no-untyped-def]
    """Post, then read the page it leads to (where the flashed message is shown)."""

    def act(client):  # type: ignore[no-untyped-def]
        answer = post(client, url, data)
        location = answer.headers.get("Location")
        return client.get(location) if location else answer

    return act


def test_two_leads_deciding_at_once_one_wins_and_the_other_is_told(racing):
    approver = make_user(Role.LEAD, name="Ada Approver")
    returner = make_user(Role.LEAD, name="Rex Returner")
    trainee = make_user(Role.TRAINEE)
    for _ in range(ROUNDS):
        record = make_record(trainee)
        outcomes = race(
            racing,
            as_user(approver, _following(f"/outside/{record.id}/approve")),
            as_user(
                returner,
                _following(f"/outside/{record.id}/return", {"comment": "Hours don't match."}),
            ),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        events = events_of("outside_record", record.id)
        assert len(events) == 1, events
        now = fetch(OutsideRecord, record.id)
        if events[0][1] == "approved":
            assert (now.status, now.decided_by_id, now.lead_comment) == (
                "approved",
                approver.id,
                None,
            )
            assert "Approved: Ethics in Peer Work" in outcomes[0]
            told = "this record was already approved a moment ago by Ada Approver."
            assert told in outcomes[1]
        else:
            assert (now.status, now.decided_by_id, now.lead_comment) == (
                "returned",
                returner.id,
                "Hours don't match.",
            )
            assert "Returned to" in outcomes[1]
            told = "already returned to the trainee a moment ago by Rex Returner."
            assert told in outcomes[0]


def test_a_trainee_withdrawing_as_the_lead_approves_one_wins(racing):
    lead = make_user(Role.LEAD, name="Lee Lead")
    trainee = make_user(Role.TRAINEE)
    for _ in range(ROUNDS):
        record = make_record(trainee)
        # SQLite may give a new row the id of the last one deleted: count this round's events
        earlier = len(events_of("outside_record", record.id))
        outcomes = race(
            racing,
            as_user(lead, _following(f"/outside/{record.id}/approve")),
            as_user(trainee, _following(f"/outside/{record.id}/withdraw")),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        now = fetch(OutsideRecord, record.id)
        actions = [e[1] for e in events_of("outside_record", record.id)[earlier:]]
        if now is None:  # withdrawn first: the approval changed nothing
            assert actions == ["withdrawn"]
            assert fetch(StoredFile, record.file_id) is None
            assert "the trainee withdrew this record a moment ago" in outcomes[0]
        else:
            assert actions == ["approved"] and now.status == "approved"
            assert fetch(StoredFile, record.file_id) is not None
            assert "so it stays on record and can't be withdrawn" in outcomes[1]
