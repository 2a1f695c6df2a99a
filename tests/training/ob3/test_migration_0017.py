"""Migration 0017 on a database that already holds certificates: the signing keys and the
credentials tables come, with the rules the database keeps (one email-bound credential per
certificate, one per certificate and DID, one credential per status position, no certificate
deleted from under its credential), and the downgrade takes them away again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, delete, insert
from sqlalchemy.exc import IntegrityError

from tests.helpers import TEST_DATABASE_URL, app_config, old_user_rows, schema_at
from tests.training.certs.test_migration_0014 import _certificate
from training import create_app
from training.extensions import db

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _badge(i: int, index: int, did: str | None = None) -> dict:
    return {
        "id": i,
        "certificate_id": 1,
        "status_list": 1,
        "status_index": index,
        "subject_did": did,
        "salt": "00",
        "credential": "{}",
        "key_id": "k",
        "created_at": T0,
    }


def test_migration_0017_adds_keys_and_credentials_with_their_rules(tmp_path):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/migrated.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        old = schema_at("0016")
        with db.engine.begin() as connection:
            connection.execute(insert(old.tables["user"]), old_user_rows((1,), T0))
            connection.execute(insert(old.tables["certificate"]), [_certificate(1, 1, T0)])
        upgrade(revision="0017")
        new = MetaData()
        new.reflect(db.engine)
        badges = new.tables["open_badge"]

        def refused(*rows: dict) -> bool:
            try:
                with db.engine.begin() as connection:
                    connection.execute(insert(badges), list(rows))
            except IntegrityError:
                return True
            return False

        assert not refused(_badge(1, 10), _badge(2, 11, "did:example:a"), _badge(3, 12, "did:x:b"))
        assert refused(_badge(4, 13))  # a second email-bound credential
        assert refused(_badge(5, 14, "did:example:a"))  # the same DID again
        assert refused(_badge(6, 10, "did:example:c"))  # a position already held
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(delete(new.tables["certificate"]))
        with db.engine.begin() as connection:
            connection.execute(
                insert(new.tables["signing_key"]),
                [{"key_id": "abc", "public_pem": "pem", "created_at": T0}],
            )
        downgrade(revision="0016")
        after = MetaData()
        after.reflect(db.engine)
        assert "open_badge" not in after.tables and "signing_key" not in after.tables
        after.drop_all(db.engine)  # leave nothing behind: the next test builds the schema afresh
        db.engine.dispose()
