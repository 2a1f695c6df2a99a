"""Migration 0014 on a database that already holds signatures and certificates: every old
signature becomes a signature of the code of ethics, one given while the person held a
certificate of the track is marked as that certificate's renewal, repeats of the very same
signature move to the audit log (the earliest kept), old hours entries are not direct
service, and the downgrade takes it all back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, insert, select

from tests.helpers import TEST_DATABASE_URL, app_config, old_user_rows, schema_at
from training import create_app
from training.extensions import db

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _signature(i: int, user_id: int, at: datetime) -> dict:
    return {
        "id": i,
        "user_id": user_id,
        "track_id": "peer-recovery",
        "text_version": "v1",
        "statement": "I agree.",
        "signed_at": at,
    }


def _certificate(i: int, user_id: int, at: datetime, **columns: object) -> dict:
    return {
        **columns,
        "id": i,
        "code": f"7K3QDM9X2AF4R8{i}",
        "user_id": user_id,
        "holder_name": "P",
        "track_id": "peer-recovery",
        "track_title": "Peer Recovery Specialist",
        "issued_on": at.date(),
        "expires_on": at.date() + timedelta(days=730),
        "kind": "initial",
        "payload": "{}",
        "signature": "x",
        "key_id": "k",
        "issued_at": at,
        "pdf": b"%PDF",
    }


def test_migration_0014_keeps_each_signature_once_and_marks_renewals(tmp_path):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/migrated.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        old = schema_at("0013")
        with db.engine.begin() as connection:
            connection.execute(insert(old.tables["user"]), old_user_rows((1, 2), T0))
            connection.execute(
                insert(old.tables["certificate"]),
                [
                    _certificate(1, 1, T0 + timedelta(days=10), revoked_at=None),
                    _certificate(2, 2, T0 + timedelta(days=10), revoked_at=T0 + timedelta(days=20)),
                ],
            )
            connection.execute(
                insert(old.tables["track_signature"]),
                [
                    _signature(1, 1, T0),  # signed before the certificate
                    _signature(2, 1, T0 + timedelta(seconds=1)),  # a second click
                    _signature(3, 1, T0 + timedelta(days=700)),  # signed again to renew
                    _signature(4, 1, T0 + timedelta(days=700, seconds=1)),  # a second click
                    _signature(5, 2, T0),  # someone else, never certified
                    _signature(6, 2, T0 + timedelta(days=30)),  # after their revoked one
                ],
            )
            connection.execute(
                insert(old.tables["hours_entry"]),
                [
                    {
                        "id": 1,
                        "trainee_id": 2,
                        "supervisor_id": 1,
                        "day": T0.date(),
                        "minutes": 60,
                        "kind": "supervised_practice",
                        "method": "in_person",
                        "domains": ["advocacy"],
                        "notes": "n",
                        "status": "approved",
                        "created_at": T0,
                        "updated_at": T0,
                    }
                ],
            )
        upgrade(revision="0014")
        new = MetaData()
        new.reflect(db.engine)
        with db.engine.connect() as connection:
            signatures = new.tables["track_signature"]
            kept = connection.execute(
                select(
                    signatures.c.id, signatures.c.attestation_id, signatures.c.renewal_of_id
                ).order_by(signatures.c.id)
            ).all()
            entries = new.tables["hours_entry"]
            direct = connection.execute(select(entries.c.direct_service)).scalars().all()
            audit = new.tables["audit_event"]
            moved = connection.execute(
                select(audit.c.at, audit.c.actor_id, audit.c.action).order_by(audit.c.at)
            ).all()
        assert [tuple(r) for r in kept] == [
            (1, "code-of-ethics", None),
            (3, "code-of-ethics", 1),
            (5, "code-of-ethics", None),
        ]
        assert direct == [False]
        moved = [
            (at if at.tzinfo else at.replace(tzinfo=UTC), who, what) for at, who, what in moved
        ]
        assert moved == [
            (T0 + timedelta(seconds=1), 1, "signed attestation"),
            # not the renewal of a certificate already revoked: a repeat of signature 5
            (T0 + timedelta(days=30), 2, "signed attestation"),
            (T0 + timedelta(days=700, seconds=1), 1, "signed attestation"),
        ]
        assert "training_event" in new.tables and "stored_file" in new.tables
        downgrade(revision="0013")
        after = MetaData()
        after.reflect(db.engine)
        assert "training_event" not in after.tables
        assert "attestation_id" not in after.tables["track_signature"].c
        after.drop_all(db.engine)  # leave nothing behind: the next test builds the schema afresh
        db.engine.dispose()
