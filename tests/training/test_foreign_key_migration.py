"""Migrations with foreign keys on: upgrades keep every row, and migration 0012.

On SQLite a migration that changes a table copies it into a new one and drops the old: with
foreign keys on, dropping a parent table would delete (or set to NULL) every row pointing at it.
Migrations therefore run with them off and check them after, failing loudly on a violation.

Migration 0012 makes a sign-off keep its hours entry (ON DELETE RESTRICT instead of CASCADE),
and settles what SQLite let through while it ran without foreign keys: each orphan row gets what
its foreign key's ON DELETE says PostgreSQL would have done (an orphan sign-off is deleted, with
an audit event on its entry saying what it was).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from tests.helpers import TEST_DATABASE_URL, app_config, drop_every_table, schema_at
from training import create_app
from training.extensions import db

NOW = datetime.now(UTC)
TODAY = NOW.date()
sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's own behaviour")


def _person(i: int, role: str = "trainee", **columns: object) -> dict:
    return {
        "id": i,
        "email": f"p{i}@example.org",
        "name": f"P{i}",
        "password_hash": "x",
        "role": role,
        "active": True,
        "must_change_password": False,
        "created_at": NOW,
        "cohort_id": 1,
        "session_version": 1,
        **columns,
    }


def _entry(i: int, status: str = "returned") -> dict:
    return {
        "id": i,
        "trainee_id": 1,
        "supervisor_id": 2,
        "day": TODAY,
        "minutes": 60,
        "kind": "individual_supervision",
        "method": "in_person",
        "domains": ["ethical_responsibility"],
        "notes": "n",
        "status": status,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _sign_off(i: int, entry_id: int, **columns: object) -> dict:
    return {
        "id": i,
        "entry_id": entry_id,
        "supervisor_id": 2,
        "supervisor_name": "Sam",
        "supervisor_credential": "CPRS 12345",
        "attestation": "I attest.",
        "signed_at": NOW,
        "voided_at": None,
        "voided_by_id": None,
        "void_reason": None,
        **columns,
    }


#: a row (or two) in every table that points at another, in an order parents come first
ROWS = {
    "cohort": [
        {
            "id": 1,
            "name": "Spring",
            "start_date": TODAY,
            "track_id": "peer-recovery",
            "created_at": NOW,
        }
    ],
    "user": [_person(1), _person(2, "supervisor"), _person(3, "lead")],
    "module_progress": [{"user_id": 1, "course_id": "c", "module_id": "m", "last_viewed_at": NOW}],
    "quiz_attempt": [
        {
            "user_id": 1,
            "course_id": "c",
            "content_version": "v",
            "seed": 1,
            "question_ids": ["q"],
            "status": "finished",
            "started_at": NOW,
            "passed": True,
        }
    ],
    "supervisor_assignment": [
        {"trainee_id": 1, "supervisor_id": 2, "assigned_by_id": 3, "assigned_at": NOW}
    ],
    "hours_entry": [_entry(1), _entry(2, "approved")],
    "sign_off": [
        _sign_off(1, 1, voided_at=NOW, voided_by_id=3, void_reason="Wrong date."),
        _sign_off(2, 2),
    ],
    "audit_event": [
        {
            "at": NOW,
            "actor_id": 3,
            "subject_type": "hours_entry",
            "subject_id": 1,
            "action": "sign-off voided",
        }
    ],
    "track_signature": [
        {
            "user_id": 1,
            "track_id": "peer-recovery",
            "text_version": "v",
            "statement": "I sign.",
            "signed_at": NOW,
        }
    ],
    "certificate": [
        {
            "id": 1,
            "code": "7K3QDM9X2AF4R8T",
            "user_id": 1,
            "holder_name": "P1",
            "track_id": "peer-recovery",
            "track_title": "Peer Recovery Specialist",
            "issued_on": TODAY,
            "expires_on": TODAY + timedelta(days=700),
            "kind": "initial",
            "payload": "{}",
            "signature": "x",
            "key_id": "k",
            "issued_by_id": 3,
            "issued_at": NOW,
            "pdf": b"%PDF",
        }
    ],
    "password_reset": [
        {
            "user_id": 1,
            "token_hash": "h" * 64,
            "created_by_id": 3,
            "created_at": NOW,
            "expires_at": NOW,
        }
    ],
    "login_session": [{"user_id": 1, "token_hash": "t" * 64, "created_at": NOW}],
}


def _fill(tables: MetaData) -> dict[str, int]:
    """Insert ROWS into the tables this schema has, leaving out columns it has not yet."""
    with db.engine.begin() as connection:
        for name, rows in ROWS.items():
            if name in tables.tables:
                table = tables.tables[name]
                kept = [{k: v for k, v in row.items() if k in table.c} for row in rows]
                connection.execute(insert(table), kept)
    return _counts()


def _counts() -> dict[str, int]:
    tables = MetaData()
    tables.reflect(db.engine)
    with db.engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(tables.tables[name]))
            for name in ROWS
            if name in tables.tables
        }


def _done() -> None:
    """Leave nothing behind: the next test builds the schema afresh."""
    db.session.remove()
    drop_every_table()
    db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/old.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        yield app
        _done()


@pytest.mark.parametrize("start", ["0003", "0007"])
def test_an_upgrade_keeps_every_row_that_points_at_another(app, start):
    """0004, 0006 and 0008 rebuild the user, hours entry, sign-off and certificate tables on
    SQLite, which every other table points at."""
    before = _fill(schema_at(start))
    upgrade()
    after = _counts()
    assert {name: after[name] for name in before} == before
    with db.engine.connect() as connection:
        cohorts = connection.scalars(text('SELECT cohort_id FROM "user" ORDER BY id')).all()
        assigned_by = connection.scalar(text("SELECT assigned_by_id FROM supervisor_assignment"))
    assert assigned_by == 3
    if start == "0007":
        assert cohorts == [1, 1, 1]


@sqlite_only
def test_the_app_enforces_foreign_keys_again_after_migrating(app):
    upgrade()
    with db.engine.connect() as connection:
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1


def test_an_upgrade_run_in_the_app_leaves_its_logs_on(app):
    """Alembic reads its logging settings on every upgrade: the app's own loggers (an outage
    of the limit store is logged by one) must still be heard afterwards."""
    import logging

    outages = logging.getLogger("training.limit_store")
    upgrade()
    heard: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: heard.append(record.getMessage())  # type: ignore[method-assign]
    outages.addHandler(handler)
    try:
        outages.error("The rate-limit store is unavailable")
    finally:
        outages.removeHandler(handler)
    assert heard == ["The rate-limit store is unavailable"]


def _entry_deletion_refused(entry_id: int) -> bool:
    hours_entry = MetaData()
    hours_entry.reflect(db.engine, only=["hours_entry"])
    table = hours_entry.tables["hours_entry"]
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.id == entry_id))
    except IntegrityError:
        return True
    return False


def test_0012_keeps_a_sign_off_with_its_entry_and_its_downgrade_cascades_again(app):
    _fill(schema_at("0011"))
    upgrade(revision="0012")
    assert _entry_deletion_refused(1)
    downgrade(revision="0011")
    assert not _entry_deletion_refused(1)
    assert _counts()["sign_off"] == 1  # the entry's sign-off went with it, as before 0012
    upgrade()
    assert _entry_deletion_refused(2)


def _orphans(path: str, *statements: str) -> None:
    """Rows SQLite took while it ran without foreign keys (a plain connection: they are off)."""
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


@sqlite_only
def test_0012_settles_the_orphans_sqlite_let_through(app, tmp_path):
    """The returned entry whose sign-off was voided was deleted (the issue's case): its
    sign-off is removed, and an audit event on the entry keeps what it said. A module read by a
    person since removed goes with them; a person who created a reset link, removed, leaves a
    NULL, as ON DELETE says for each."""
    _fill(schema_at("0011"))
    _orphans(
        f"{tmp_path}/old.db",
        "DELETE FROM hours_entry WHERE id = 1",
        "DELETE FROM module_progress",
        "INSERT INTO module_progress (user_id, course_id, module_id, last_viewed_at) "
        "VALUES (1, 'c', 'm', '2026-01-01 00:00:00'), (99, 'c', 'm', '2026-01-01 00:00:00')",
        "UPDATE password_reset SET created_by_id = 98",
    )
    upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.scalars(text("SELECT entry_id FROM sign_off")).all() == [2]
        assert connection.scalars(text("SELECT user_id FROM module_progress")).all() == [1]
        assert connection.scalar(text("SELECT created_by_id FROM password_reset")) is None
        removed = connection.execute(
            text(
                "SELECT subject_type, subject_id, comment FROM audit_event "
                "WHERE action = 'sign-off removed'"
            )
        ).all()
    assert [(kind, subject) for kind, subject, _ in removed] == [("hours_entry", 1)]
    comment = removed[0][2]
    assert "Sam" in comment and "CPRS 12345" in comment and "Wrong date." in comment
    downgrade(revision="0011")
    upgrade()


@sqlite_only
def test_an_upgrade_fails_loudly_on_a_row_no_rule_can_settle(app, tmp_path, capsys):
    """A certificate whose holder was removed: PostgreSQL would have refused the removal
    (RESTRICT), so there is nothing to do but tell (``flask db upgrade`` exits with 1)."""
    _fill(schema_at("0011"))
    _orphans(f"{tmp_path}/old.db", "DELETE FROM user WHERE id = 1")
    with pytest.raises(SystemExit):
        upgrade()
    assert "certificate row 1 points at a missing user" in capsys.readouterr().err
    with db.engine.connect() as connection:  # the app's connections still enforce them
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1


@sqlite_only
def test_0012s_audit_event_is_shown_once_when_paging_through_the_log(app, tmp_path):
    """The event 0012 writes for a removed sign-off is stored as the app stores every time
    (SQLite's CURRENT_TIMESTAMP has no fraction of a second, which sorts before the same second
    written by the app): when it ends a page of the audit log, "Older events" goes on after it
    instead of showing it again."""
    import re
    from html import unescape

    from tests.helpers import make_user, sign_in
    from training.models import AuditEvent, Role

    _fill(schema_at("0011"))
    _orphans(f"{tmp_path}/old.db", "DELETE FROM hours_entry WHERE id = 1")
    upgrade()
    removed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sign-off removed")
    ).one()
    # 49 newer events: the removed sign-off's is the 50th, the last of the first page
    db.session.add_all(
        AuditEvent(
            at=removed.at + timedelta(seconds=n + 1),
            subject_type="cohort",
            subject_id=1,
            action="created",
            comment=f"cohort-{n}",
        )
        for n in range(49)
    )
    db.session.commit()
    client = app.test_client()
    sign_in(client, make_user(Role.LEAD))
    shown, url = [], "/lead/audit"
    for _ in range(10):  # a loop in the links would otherwise never end
        page = unescape(client.get(url).get_data(as_text=True))
        shown += re.findall(r"(Sign-off removed|Sign-off voided|Created: cohort-\d+)", page)
        older = re.search(r'<a href="([^"]+)">[^<]*Older events', page)
        if older is None:
            break
        url = unescape(older.group(1))
    assert shown.count("Sign-off removed") == 1, shown
    assert len(shown) == 51 and shown[-1] == "Sign-off voided", shown
