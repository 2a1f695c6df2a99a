"""Migration 0013 on a database that already holds finished attempts: the quiz tallies it
creates hold what those attempts give (open and abandoned ones do not count), the audit log's
index becomes (at, id), one person's events get theirs (actor_id, at, id), and the downgrade
takes it all back."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, insert, inspect, select

from tests.helpers import TEST_DATABASE_URL, app_config, old_user_rows, schema_at
from training import create_app
from training.extensions import db


def _attempt(n, user_id, course_id, status, drawn, correct, passed):  # type: ignore[no-untyped-def]
    return {
        "id": n,
        "user_id": user_id,
        "course_id": course_id,
        "content_version": "v1",
        "seed": n,
        "question_ids": drawn,
        "correct_ids": correct,
        "status": status,
        "started_at": datetime(2026, 5, 1, tzinfo=UTC),
        "passed": passed,
    }


def test_migration_0013_counts_the_finished_attempts_and_orders_the_audit_log(tmp_path):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/migrated.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    now = datetime.now(UTC)
    with app.app_context():
        old = schema_at("0012")
        with db.engine.begin() as connection:
            connection.execute(insert(old.tables["user"]), old_user_rows((1, 2), now))
            connection.execute(
                insert(old.tables["quiz_attempt"]),
                [
                    _attempt(1, 1, "empathy", "finished", ["q1", "q2", "q3"], ["q1"], False),
                    _attempt(2, 1, "empathy", "finished", ["q2", "q3"], ["q2", "q3"], True),
                    _attempt(3, 2, "empathy", "finished", ["q3", "q4"], [], False),
                    _attempt(4, 2, "empathy", "abandoned", ["q1"], None, False),
                    _attempt(5, 1, "boundaries", "finished", ["b1"], None, False),
                    _attempt(6, 2, "boundaries", "in_progress", ["b1"], None, False),
                ],
            )
        upgrade(revision="0013")
        new = MetaData()
        new.reflect(db.engine)
        with db.engine.connect() as connection:

            def rows(table):  # type: ignore[no-untyped-def]
                t = new.tables[table]
                return {tuple(r[:-2]): tuple(r[-2:]) for r in connection.execute(select(t))}

            assert rows("quiz_tally") == {("empathy",): (3, 1), ("boundaries",): (1, 0)}
            assert rows("quiz_question_tally") == {
                ("empathy", "q1"): (1, 0),
                ("empathy", "q2"): (2, 1),
                ("empathy", "q3"): (3, 2),
                ("empathy", "q4"): (1, 1),
                ("boundaries", "b1"): (1, 1),
            }
            assert {k: (n, bool(p)) for k, (n, p) in rows("quiz_standing").items()} == {
                (1, "empathy"): (2, True),
                (2, "empathy"): (1, False),
                (1, "boundaries"): (1, False),
            }
        indexes = {
            i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("audit_event")
        }
        assert indexes["ix_audit_event_at_id"] == ["at", "id"]
        assert "ix_audit_event_at" not in indexes
        # the person filter: one person's events, newest first
        assert indexes["ix_audit_event_actor_at_id"] == ["actor_id", "at", "id"]
        downgrade(revision="0012")
        after = MetaData()
        after.reflect(db.engine)
        assert not {"quiz_tally", "quiz_question_tally", "quiz_standing"} & set(after.tables)
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("audit_event")}
        assert "ix_audit_event_at" in indexes and "ix_audit_event_at_id" not in indexes
        assert "ix_audit_event_actor_at_id" not in indexes
        after.drop_all(db.engine)  # leave nothing behind: the next test builds the schema afresh
        db.engine.dispose()
