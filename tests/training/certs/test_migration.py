"""Migration 0006 on a database that already holds certificates, including the duplicates the
old race could leave: the newest stays current, each older one becomes replaced by it (with an
audit event saying why), replaced ones get their superseded time, and the one-current rule
holds from then on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, insert, select, text
from sqlalchemy.exc import IntegrityError

from tests.helpers import TEST_DATABASE_URL, app_config, old_user_rows, schema_at
from training import create_app
from training.extensions import db


def _certificate(n: int, user_id: int, issued_at: datetime, **fields: object) -> dict:
    return {
        "id": n,
        "code": f"CODE{n:011d}",
        "user_id": user_id,
        "holder_name": "Riley Chen",
        "track_id": "peer-recovery",
        "track_title": "Peer Recovery Specialist",
        "issued_on": issued_at.date(),
        "expires_on": date(2030, 1, 1),
        "kind": "initial",
        "payload": "{}",
        "signature": "x",
        "key_id": "k",
        "issued_at": issued_at,
        "pdf": b"%PDF",
        **fields,
    }


def test_migration_0006_settles_duplicates_and_then_enforces_one_current(tmp_path):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/migrated.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    now = datetime.now(UTC)
    with app.app_context():
        old = schema_at("0005")
        with db.engine.begin() as connection:
            connection.execute(
                insert(old.tables["user"]), old_user_rows((1, 2), now, session_version=1)
            )
            certificate = old.tables["certificate"]
            # holder 1: issued twice at once (the old race); holder 2: renewed once
            connection.execute(insert(certificate), _certificate(1, 1, now - timedelta(hours=1)))
            connection.execute(insert(certificate), _certificate(2, 1, now))
            connection.execute(insert(certificate), _certificate(3, 2, now - timedelta(days=700)))
            connection.execute(insert(certificate), _certificate(4, 2, now, kind="renewal"))
            connection.execute(
                certificate.update().where(certificate.c.id == 3).values(replaced_by_id=4)
            )
        upgrade(revision="0006")
        new = MetaData()
        new.reflect(db.engine)
        certificate = new.tables["certificate"]
        with db.engine.begin() as connection:
            rows = {
                r.id: r
                for r in connection.execute(
                    select(
                        certificate.c.id, certificate.c.replaced_by_id, certificate.c.superseded_at
                    )
                )
            }
            events = connection.execute(
                text("SELECT subject_id, action, comment FROM audit_event")
            ).all()
        assert rows[1].replaced_by_id == 2 and rows[1].superseded_at is not None
        assert rows[2].replaced_by_id is None and rows[2].superseded_at is None
        assert rows[3].replaced_by_id == 4 and rows[3].superseded_at is not None
        assert rows[4].superseded_at is None
        assert [(e.subject_id, e.action) for e in events] == [(1, "replaced")]
        assert "CODE00000000002" in events[0].comment
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(insert(certificate), _certificate(5, 1, now))
        downgrade(revision="0005")
        left = MetaData()  # leave nothing behind: the next test builds the schema afresh
        left.reflect(db.engine)
        left.drop_all(db.engine)
        db.engine.dispose()
