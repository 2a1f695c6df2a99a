"""Foreign keys hold on SQLite as on PostgreSQL, and both databases treat the hours history alike.

A sign-off is a supervisor's signed attestation. Once an entry has one, even a voided one, the
entry and its sign-offs stay on record: the trainee corrects the returned entry and submits it
again, but cannot delete it (the database refuses too). Before, SQLite ran without foreign keys
and the deletion left an orphan sign-off there, while PostgreSQL deleted the sign-off with it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from tests.helpers import (
    TEST_DATABASE_URL,
    app_config,
    assign,
    fetch,
    find,
    in_app,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training import create_app
from training.extensions import db
from training.models import AuditEvent, EntryStatus, HoursEntry, Role, SignOff


@pytest.fixture
def voided(app):
    """A trainee's returned entry whose sign-off a lead voided; (trainee, entry)."""
    trainee = make_user(Role.TRAINEE)
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 12345")
    lead = make_user(Role.LEAD)
    assign(trainee, supervisor)
    entry = make_entry(trainee, supervisor, status="approved")
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    post(lead_client, f"/lead/hours/{entry.id}/void", {"reason": "Signed for the wrong date."})
    assert fetch(HoursEntry, entry.id).status == EntryStatus.RETURNED
    return trainee, entry


def test_a_returned_entry_with_a_voided_sign_off_stays_on_record(client, voided):
    trainee, entry = voided
    sign_in(client, trainee)
    edit_page = text_of(client.get(f"/hours/{entry.id}/edit"))
    assert "Delete this entry" not in edit_page
    assert "stays on record" in edit_page

    answer = post(client, f"/hours/{entry.id}/delete", follow_redirects=True)

    assert "stays on record" in text_of(answer)
    assert fetch(HoursEntry, entry.id).status == EntryStatus.RETURNED
    sign_off = find(SignOff, entry_id=entry.id)
    assert sign_off.void_reason == "Signed for the wrong date."
    assert find(AuditEvent, subject_id=entry.id, action="deleted") is None
    page = text_of(client.get(f"/hours/{entry.id}"))
    assert "Sign-off voided by" in page and "Sam Supervisor" in page


def test_the_trainee_can_still_correct_and_resubmit_it(client, voided):
    trainee, entry = voided
    sign_in(client, trainee)
    post(client, "/hours/submit", {"entry": str(entry.id)})
    assert fetch(HoursEntry, entry.id).status == EntryStatus.SUBMITTED


def test_the_database_itself_refuses_to_delete_an_entry_with_a_sign_off(voided):
    _, entry = voided
    with in_app():
        with pytest.raises(IntegrityError):
            db.session.execute(delete(HoursEntry).where(HoursEntry.id == entry.id))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(SignOff)) == 1


def test_a_sign_off_for_an_entry_that_does_not_exist_is_refused(app):
    with in_app():
        with pytest.raises(IntegrityError):
            db.session.execute(
                SignOff.__table__.insert().values(
                    entry_id=12345,
                    supervisor_name="Sam",
                    supervisor_credential="CPRS",
                    attestation="I attest.",
                )
            )
        db.session.rollback()


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="a SQLite setting")
def test_every_sqlite_connection_enforces_foreign_keys(tmp_path):
    """Every connection of the pool, not only the first: the app's default is a SQLite file
    shared by several connections."""
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/app.db"))
    with app.app_context():
        connections = [db.engine.connect() for _ in range(3)]
        try:
            assert [c.scalar(text("PRAGMA foreign_keys")) for c in connections] == [1, 1, 1]
        finally:
            for connection in connections:
                connection.close()
        db.engine.dispose()
