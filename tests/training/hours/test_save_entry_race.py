"""Saving an entry the trainee opened as a draft, after it was submitted and signed off in
another tab or by another request: the save is refused and the approved entry keeps every
field it was signed with. The change happens on another database connection, as a concurrent
request's would, while the saving session still holds the entry as a draft."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from certificates.hours import EntryFacts
from tests.helpers import (
    assign,
    make_entry,
    make_user,
    race_app,
)
from training.extensions import db
from training.hours import services
from training.models import AuditEvent, EntryStatus, HoursEntry, Role


@pytest.fixture
def shared(tmp_path):
    with race_app(tmp_path) as app:
        yield app


def _facts(supervisor_id: int) -> EntryFacts:
    return EntryFacts(
        day=datetime.now(UTC).date() - timedelta(days=1),
        minutes=240,
        kind="supervised_practice",
        method="phone",
        domains=("advocacy",),
        supervisor_id=supervisor_id,
        notes="Changed after the sign-off",
        direct_service=True,
    )


def _signed_off_elsewhere(entry_id: int) -> None:
    with db.engine.begin() as other:  # another connection: a concurrent submit and approve
        other.execute(update(HoursEntry).where(HoursEntry.id == entry_id).values(status="approved"))


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_save_after_a_sign_off_elsewhere_changes_nothing(shared, status):
    trainee = make_user(Role.TRAINEE, name="Taylor Trainee")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    assign(trainee, supervisor)
    made = make_entry(trainee, supervisor, status)
    with shared.app_context():
        entry = db.session.get(HoursEntry, made.id)
        person = db.session.get(type(trainee), trainee.id)
        assert entry is not None and entry.editable  # what the trainee's form was built from
        _signed_off_elsewhere(entry.id)
        with pytest.raises(services.HoursError) as refused:
            services.save_entry(person, _facts(supervisor.id), entry)
        assert str(refused.value) == (
            "This entry changed meanwhile (it was submitted or signed off); nothing was saved."
        )
    with shared.app_context():
        row = db.session.get(HoursEntry, made.id)
        assert row is not None and row.status == EntryStatus.APPROVED
        assert (row.minutes, row.kind, row.method) == (60, "individual_supervision", "in_person")
        assert row.domains == ["ethical_responsibility"] and row.direct_service is False
        assert row.notes == "Talked about a boundary question with R.S."
        assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edited")).all()


def test_a_draft_still_saves_every_field(shared):
    trainee = make_user(Role.TRAINEE)
    supervisor = make_user(Role.SUPERVISOR)
    assign(trainee, supervisor)
    made = make_entry(trainee, supervisor, "returned")
    with shared.app_context():
        entry = db.session.get(HoursEntry, made.id)
        person = db.session.get(type(trainee), trainee.id)
        saved = services.save_entry(person, _facts(supervisor.id), entry)
        assert saved.status == EntryStatus.RETURNED and saved.minutes == 240
    with shared.app_context():
        row = db.session.get(HoursEntry, made.id)
        assert row is not None and row.status == EntryStatus.RETURNED
        assert (row.minutes, row.kind, row.method, row.domains) == (
            240,
            "supervised_practice",
            "phone",
            ["advocacy"],
        )
        assert row.notes == "Changed after the sign-off" and row.direct_service is True
