"""Migration 0010 on a database that already holds quiz attempts, including two open attempts
at one quiz (the old start race): the newest stays open, the older one is closed without
counting, and from then on the database refuses a second open attempt; extra attempts can be
stored, and the downgrade takes it all back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, insert, select
from sqlalchemy.exc import IntegrityError

from tests.helpers import TEST_DATABASE_URL, app_config, old_user_rows, schema_at
from training import create_app
from training.extensions import db


def _attempt(n: int, user_id: int, course_id: str, status: str, started: datetime) -> dict:
    return {
        "id": n,
        "user_id": user_id,
        "course_id": course_id,
        "content_version": "v1",
        "seed": n,
        "question_ids": ["q1"],
        "status": status,
        "started_at": started,
        "passed": False,
    }


def test_migration_0010_keeps_the_newest_open_attempt_and_then_allows_one(tmp_path):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/migrated.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    now = datetime.now(UTC)
    with app.app_context():
        old = schema_at("0009")
        with db.engine.begin() as connection:
            connection.execute(insert(old.tables["user"]), old_user_rows((1, 2), now))
            attempt = old.tables["quiz_attempt"]
            earlier = now - timedelta(minutes=5)
            connection.execute(
                insert(attempt),
                [
                    _attempt(1, 1, "empathy", "in_progress", earlier),  # two clicks at once
                    _attempt(2, 1, "empathy", "in_progress", now),
                    _attempt(3, 1, "boundaries", "in_progress", now),  # another course
                    _attempt(4, 2, "empathy", "finished", earlier),
                    _attempt(5, 2, "empathy", "in_progress", now),
                ],
            )
        upgrade(revision="0010")
        new = MetaData()
        new.reflect(db.engine)
        attempt = new.tables["quiz_attempt"]
        with db.engine.begin() as connection:
            status = dict(connection.execute(select(attempt.c.id, attempt.c.status)).all())
        assert status == {
            1: "abandoned",
            2: "in_progress",
            3: "in_progress",
            4: "finished",
            5: "in_progress",
        }
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(insert(attempt), _attempt(6, 2, "empathy", "in_progress", now))
        with db.engine.begin() as connection:  # finished ones may be many
            connection.execute(insert(attempt), _attempt(7, 2, "empathy", "finished", now))
            connection.execute(
                insert(new.tables["extra_quiz_attempts"]),
                {
                    "trainee_id": 2,
                    "course_id": "empathy",
                    "attempts": 2,
                    "reason": "Reread the module.",
                    "granted_by_id": 1,
                    "granted_at": now,
                },
            )
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(
                insert(new.tables["extra_quiz_attempts"]),
                {"trainee_id": 2, "course_id": "empathy", "attempts": 6, "reason": "x",
                 "granted_at": now},
            )  # fmt: skip
        downgrade(revision="0009")
        after = MetaData()
        after.reflect(db.engine)
        assert "extra_quiz_attempts" not in after.tables
        left = MetaData()  # leave nothing behind: the next test builds the schema afresh
        left.reflect(db.engine)
        left.drop_all(db.engine)
        db.engine.dispose()
