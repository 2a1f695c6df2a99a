"""Two people acting on one outside-training record at the same moment: real requests in
parallel threads against one app on a database several connections share. The database
decides (a conditional UPDATE or DELETE): exactly one change, audited once; the other person
is told plainly what happened instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.helpers import (
    as_user,
    count,
    fetch,
    in_app,
    make_user,
    post,
    race,
    race_app,
)
from tests.training.outside.support import (
    decision,
    events_of,
    image_bytes,
    make_record,
    record_form,
    upload,
)
from training.extensions import db
from training.models import Role
from training.outside.models import OutsideRecord
from training.uploads.models import StoredFile

ROUNDS = 3


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
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
            as_user(approver, _following(f"/outside/{record.id}/approve", decision(record))),
            as_user(
                returner,
                _following(
                    f"/outside/{record.id}/return",
                    decision(record, comment="Hours don't match."),
                ),
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
            as_user(lead, _following(f"/outside/{record.id}/approve", decision(record))),
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


def test_a_stale_approve_racing_the_trainees_resubmission_never_approves_it(racing):
    """Lead B opened the record; lead A returned it; the trainee sends 40 h with another file
    as B clicks Approve: whichever comes first, B's click approves nothing."""
    lead = make_user(Role.LEAD, name="Bea Lead")
    trainee = make_user(Role.TRAINEE)
    for _ in range(ROUNDS):
        record = make_record(trainee, "returned", lead_comment="Check the hours.")
        opened = decision(record)  # what B saw before A returned it: the same version
        corrected = record_form(
            hours_ethical_responsibility="40", certificate=upload(image_bytes("PNG"), "new.png")
        )
        outcomes = race(
            racing,
            as_user(lead, _following(f"/outside/{record.id}/approve", opened)),
            as_user(trainee, _following(f"/outside/{record.id}/edit", corrected)),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        now = fetch(OutsideRecord, record.id)
        assert (now.status, now.decided_by_id) == ("submitted", None)
        assert now.hours == {"ethical_responsibility": 40.0}
        assert [e[1] for e in events_of("outside_record", record.id)] == ["resubmitted"]
        assert "Corrected and sent to your program lead again." in outcomes[1]
        assert (
            "This record changed since you opened it: the trainee resubmitted it at" in outcomes[0]
            or "already returned to the trainee a moment ago" in outcomes[0]
        ), outcomes[0]


def test_a_double_click_on_send_records_the_course_once(racing):
    trainee = make_user(Role.TRAINEE)
    for n in range(ROUNDS):
        form = record_form(title=f"Course {n}")
        outcomes = race(
            racing,
            as_user(trainee, _following("/outside/new/outside", form)),
            as_user(trainee, _following("/outside/new/outside", record_form(title=f"Course {n}"))),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        assert count(OutsideRecord) == n + 1 and count(StoredFile) == n + 1
        told = [o for o in outcomes if "You sent this record a moment ago" in o]
        sent = [o for o in outcomes if "Sent to your program lead." in o]
        assert len(told) == len(sent) == 1, outcomes


def test_a_stale_approve_racing_a_lead_who_saw_the_new_version_never_wins(racing):
    """The trainee sent the record again after lead B opened it; B (on the old page) and A (on
    the new one) click Approve at once: only A's approval can take effect."""
    stale = make_user(Role.LEAD, name="Bea Stale")
    fresh = make_user(Role.LEAD, name="Ada Fresh")
    trainee = make_user(Role.TRAINEE)
    for _ in range(ROUNDS):
        opened = make_record(trainee, submitted_at=datetime.now(UTC) - timedelta(hours=1))
        old_page = decision(opened)
        resent_at = datetime.now(UTC)
        with in_app():
            db.session.execute(
                update(OutsideRecord)
                .where(OutsideRecord.id == opened.id)
                .values(hours={"ethical_responsibility": 40}, submitted_at=resent_at)
            )
            db.session.commit()
        new_page = decision(fetch(OutsideRecord, opened.id))
        outcomes = race(
            racing,
            as_user(stale, _following(f"/outside/{opened.id}/approve", old_page)),
            as_user(fresh, _following(f"/outside/{opened.id}/approve", new_page)),
        )
        assert all(o.startswith("200 ") for o in outcomes), outcomes
        now = fetch(OutsideRecord, opened.id)
        assert (now.status, now.decided_by_id) == ("approved", fresh.id)
        assert events_of("outside_record", opened.id) == [(fresh.id, "approved", None)]
        assert "Approved: Ethics in Peer Work" in outcomes[1]
        assert (
            "This record changed since you opened it" in outcomes[0]
            or "already approved a moment ago by Ada Fresh" in outcomes[0]
        ), outcomes[0]
