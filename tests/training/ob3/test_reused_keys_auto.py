"""An automatic issue that a retired signing key (an old key file restored) refuses is given up
whole: the supervisor's approval that triggered it stands, no certificate or credential is
written, and nothing of the attempt stays held for the rest of the request (the trainee's lock,
the key's row), so another trainee approved in the same go, or anyone else, is not kept
waiting behind it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from certificates import signing
from tests.helpers import (
    assign,
    count,
    fetch,
    in_app,
    make_entry,
    make_user,
    post,
    race_app,
    sign_in,
    text_of,
)
from tests.training.certs.test_views import make_eligible, use_track
from training.certs import issuing, keys
from training.extensions import db
from training.models import Certificate, EntryStatus, HoursEntry, OpenBadge, Role, SignOff


def _key_id(pem: bytes) -> str:
    return signing.key_id(signing.public_key_pem(signing.load_private_key(pem)))


@pytest.fixture
def restored(tmp_path):
    """An app on a database several connections share, on a track that issues automatically,
    whose key file holds a key retired since (``keys rotate``, then the old file restored and
    the app restarted); its id."""
    key_file = tmp_path / "keys" / "signing.pem"
    key_file.parent.mkdir()
    old_pem = signing.new_private_key_pem()
    key_file.write_bytes(old_pem)
    key_file.chmod(0o600)
    with race_app(tmp_path, CERTIFICATE_SIGNING_KEY_FILE=str(key_file)) as app:
        use_track(app, tmp_path / "content", auto=True)
        runner = app.test_cli_runner()
        assert runner.invoke(args=["keys", "list"]).exit_code == 0  # the old key registered
        assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
        key_file.write_bytes(old_pem)  # the backup restored
        keys.forget(app)  # and the app restarted
        yield app, _key_id(old_pem)


def _nothing_held(key_id: str, trainee_id: int) -> bool:
    """From a connection of its own, without waiting: whether what an issue locks is free (on
    SQLite the database's write lock, on PostgreSQL the trainee's row and the key's row)."""
    if db.engine.dialect.name == "sqlite":
        other = sqlite3.connect(db.engine.url.database, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()
        return True
    with db.engine.connect() as other:
        try:
            other.execute(
                text('SELECT id FROM "user" WHERE id = :id FOR UPDATE NOWAIT'), {"id": trainee_id}
            )
            other.execute(
                text("SELECT id FROM signing_key WHERE key_id = :key FOR UPDATE NOWAIT"),
                {"key": key_id},
            )
        except OperationalError:
            return False
        finally:
            other.rollback()
    return True


def test_an_approval_whose_automatic_issue_the_restored_key_refuses_stands_and_holds_nothing(
    restored, monkeypatch
):
    app, key_id = restored
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainees = [make_user(Role.TRAINEE, name=name) for name in ("Ash Patel", "Bo Reyes")]
    entries = []
    for trainee in trainees:
        assign(trainee, supervisor)
        make_eligible(app, trainee, supervisor)  # eligible already: each approval tries
        entries.append(make_entry(trainee, supervisor, "submitted"))
    attempted = issuing.maybe_auto_issue
    held_after: list[bool] = []

    def attempting(user):  # type: ignore[no-untyped-def]
        user_id = user.id
        issued = attempted(user)
        held_after.append(not _nothing_held(key_id, user_id))
        return issued

    monkeypatch.setattr(issuing, "maybe_auto_issue", attempting)
    client = app.test_client()
    sign_in(client, supervisor)
    data = {"entry": [str(e.id) for e in entries], "attest": "yes", "page": "1"}
    answer = post(client, "/supervise/approve", data, follow_redirects=True)

    assert answer.status_code == 200 and "Approved 2 entries" in text_of(answer)
    assert held_after == [False, False]
    for entry in entries:  # the approvals stand
        assert fetch(HoursEntry, entry.id).status == EntryStatus.APPROVED
    with in_app():
        assert db.session.scalar(select(SignOff.id).where(SignOff.entry_id == entries[0].id))
    assert count(Certificate) == 0 and count(OpenBadge) == 0  # a lead issues once put right
