"""``flask db backup PATH``: a backup made while the app writes restores every row committed
before it began, and every certificate in it still verifies with the same signing key; on SQLite
(online backup API) and on PostgreSQL (pg_dump). A plain copy of the SQLite file does not, and
bad requests are refused with nothing written."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from certificates.codes import format_code
from certificates.signing import new_private_key_pem
from certificates.verify import check
from tests.helpers import TEST_DATABASE_URL, app_config, app_with_database, assign, make_user
from tests.training.certs.test_views import make_eligible, use_track
from training import audit, create_app
from training.backup import libpq_address
from training.certs import issuing
from training.config import normalise_database_url
from training.extensions import db
from training.hours.services import track_for
from training.models import AuditEvent, Certificate, Role, User

SIGNING_KEY = new_private_key_pem().decode()
ON_POSTGRESQL = bool(TEST_DATABASE_URL)
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="about the SQLite file")
#: generous: only to stop a broken test from hanging, never a measure of speed
DEADLINE = 60


@pytest.fixture
def live(tmp_path):
    """The app on a database that other connections (and pg_dump) really share."""
    database = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/live.sqlite3"
    with app_with_database(
        SQLALCHEMY_DATABASE_URI=database, CERTIFICATE_SIGNING_KEY=SIGNING_KEY
    ) as app:
        yield app


def backup(app, *args):
    return app.test_cli_runner().invoke(args=["db", "backup", *map(str, args)])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


# --- under write load --------------------------------------------------------------------------


class Writer(threading.Thread):
    """Commits audit events through the app, one transaction each, until told to stop; keeps
    the id of each one whose commit has returned."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.committed, self.error = app, [], None
        self.stopping = threading.Event()

    def run(self):
        try:
            with self.app.app_context():
                n = 0
                while not self.stopping.is_set():
                    event = audit.record(None, "load", n, "wrote", comment=f"row {n}")
                    db.session.flush()
                    ident = event.id
                    db.session.commit()
                    self.committed.append(ident)
                    n += 1
                db.session.remove()
        except Exception as error:  # reported by the test
            self.error = error


@contextmanager
def writing(app) -> Iterator[Writer]:
    writer = Writer(app)
    writer.start()
    try:
        yield writer
    finally:
        writer.stopping.set()
        writer.join(timeout=DEADLINE)
    assert not writer.is_alive(), "the writer did not stop"
    assert writer.error is None, writer.error


def wait_for(writer: Writer, rows: int) -> None:
    deadline = time.monotonic() + DEADLINE
    while len(writer.committed) < rows and writer.error is None:
        assert time.monotonic() < deadline, "the writer hangs"
        time.sleep(0.01)
    assert writer.error is None, writer.error


def issue_certificates(app, content: Path, how_many: int) -> dict[str, tuple[str, str]]:
    """Certificates issued the app's way: code -> (signed payload, signature) as stored."""
    use_track(app, content)
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    issued = {}
    for n in range(how_many):
        trainee = make_user(Role.TRAINEE, name=f"Riley Chen {n}")
        assign(trainee, supervisor)
        make_eligible(app, trainee, supervisor)
        with app.app_context():
            user = db.session.get(User, trainee.id)
            made = issuing.issue(user, track_for(user), db.session.get(User, lead.id))
            issued[made.code] = (made.payload, made.signature)
    return issued


@contextmanager
def restored(backup_file: Path, tmp_path: Path) -> Iterator[str]:
    """The backup restored the documented way; the restored database's URL."""
    if not ON_POSTGRESQL:
        place = tmp_path / "restored.sqlite3"
        shutil.copyfile(backup_file, place)  # the app is stopped: put the file in place
        yield f"sqlite:///{place}"
        return
    url = make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        environment = {**os.environ, "PGPASSWORD": str(url.password or "")}
        address = libpq_address(url, name)
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={address}",
                str(backup_file),
            ],
            env=environment,
            check=True,
            capture_output=True,
            timeout=DEADLINE,
        )
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def app_on(url: str):
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url, CERTIFICATE_SIGNING_KEY=SIGNING_KEY))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_backup_made_under_write_load_restores_every_committed_row_and_certificate(
    live, tmp_path
):
    issued = issue_certificates(live, tmp_path / "content", 2)
    target = tmp_path / "backup.dump"
    with writing(live) as writer:
        wait_for(writer, 50)
        before = list(writer.committed)  # every one of these commits had returned
        result = backup(live, target)
        wait_for(writer, len(writer.committed) + 20)  # and writing carries on after it
    assert result.exit_code == 0, result.output
    assert f"to {target}" in result.output and not leftovers(tmp_path)
    assert not Path(f"{target}-wal").exists()  # one self-contained file

    with restored(target, tmp_path) as url, app_on(url) as app:
        with app.app_context():
            kept = set(
                db.session.scalars(select(AuditEvent.id).where(AuditEvent.subject_type == "load"))
            )
            assert set(before) - kept == set(), "commits made before the backup are missing"
            assert kept <= set(writer.committed)
            if not ON_POSTGRESQL:
                assert db.session.execute(text("PRAGMA integrity_check")).all() == [("ok",)]
            stored = {
                c.code: (c.payload, c.signature) for c in db.session.scalars(select(Certificate))
            }
        assert stored == issued  # byte for byte
        client = app.test_client()
        public_key = client.get("/verify/public-key.pem").data
        for code in issued:
            answer = client.get(f"/verify/{format_code(code)}.json")
            assert answer.status_code == 200 and answer.json["status"] == "valid"
            verdict = check(answer.get_data(as_text=True), public_key)
            assert verdict.genuine, verdict.reason


@sqlite_only
def test_a_plain_copy_of_the_sqlite_file_loses_recent_commits_and_the_backup_does_not(
    live, tmp_path
):
    database = tmp_path / "live.sqlite3"
    with live.app_context():
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        for n in range(5):
            audit.record(None, "recent", n, "wrote")
            db.session.commit()  # in the write-ahead log until SQLite's next checkpoint

    shutil.copyfile(database, tmp_path / "copied.sqlite3")
    assert backup(live, tmp_path / "backup.sqlite3").exit_code == 0

    def recent(path):
        with sqlite3.connect(path) as connection:
            query = "SELECT count(*) FROM audit_event WHERE subject_type = 'recent'"
            return connection.execute(query).fetchone()[0]

    assert recent(tmp_path / "copied.sqlite3") == 0  # lost 5 of 5, as the issue found
    assert recent(tmp_path / "backup.sqlite3") == 5


# --- refusals ----------------------------------------------------------------------------------


def test_an_existing_file_is_kept_unless_force_is_given(live, tmp_path):
    target = tmp_path / "backup.dump"
    target.write_text("last week's backup")
    refused = backup(live, target)
    assert refused.exit_code == 1
    assert f"{target} already exists: choose a new name, or add --force" in refused.output
    assert target.read_text() == "last week's backup" and not leftovers(tmp_path)

    replaced = backup(live, "--force", target)
    assert replaced.exit_code == 0, replaced.output
    assert target.read_bytes()[:5] == (b"PGDMP" if ON_POSTGRESQL else b"SQLit")


@sqlite_only
def test_the_database_itself_is_refused_and_stays_as_it_was(live, tmp_path):
    make_user(Role.LEAD)
    for same in (tmp_path / "live.sqlite3", tmp_path / "." / "live.sqlite3"):
        for how in ([], ["--force"]):
            result = backup(live, *how, same)
            assert result.exit_code == 1
            assert "is the database itself: write the backup to another file" in result.output
    with live.app_context():
        assert db.session.scalar(select(User.email)).endswith("@example.org")
        assert db.session.execute(text("PRAGMA integrity_check")).all() == [("ok",)]
    assert not leftovers(tmp_path)


def test_a_folder_that_is_missing_or_not_a_folder_is_refused(live, tmp_path):
    (tmp_path / "a-file").write_text("")
    for target, message in (
        (tmp_path / "missing" / "backup.dump", "does not exist (or is not a folder)"),
        (tmp_path / "a-file" / "backup.dump", "does not exist (or is not a folder)"),
    ):
        result = backup(live, target)
        assert result.exit_code == 1 and message in result.output, result.output
    folder = backup(live, tmp_path)
    assert folder.exit_code == 2 and "is a directory" in folder.output
    assert (tmp_path / "a-file").read_text() == "" and not leftovers(tmp_path)
    assert not list(tmp_path.glob("**/backup.dump*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_that_cannot_be_written_is_refused(live, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = backup(live, locked / "backup.dump")
    assert result.exit_code == 1 and f"Cannot write in {locked}" in result.output
    assert list(locked.iterdir()) == []


@sqlite_only
def test_an_in_memory_database_has_nothing_to_back_up(tmp_path):
    with app_with_database() as app:
        result = backup(app, tmp_path / "backup.sqlite3")
    assert result.exit_code == 1 and "The database is in memory" in result.output
    assert list(tmp_path.iterdir()) == []


# --- PostgreSQL without pg_dump, or with a server that does not answer -------------------------


def postgresql_app(port: int = 5433):
    url = f"postgresql://trainer:s3cret-pw@127.0.0.1:{port}/training"
    return app_on(url)


def test_without_pg_dump_it_prints_the_commands_and_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    with postgresql_app() as app:
        result = backup(app, tmp_path / "backup.dump")
    assert result.exit_code == 2
    assert "pg_dump is not installed here" in result.output
    assert (
        f"pg_dump --format=custom --file {tmp_path}/backup.dump "
        "postgresql://trainer@127.0.0.1:5433/training" in result.output
    )
    assert (
        "pg_restore --no-owner --dbname postgresql://trainer@127.0.0.1:5433/NEW_DATABASE"
        in result.output
    )
    assert "s3cret-pw" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump")
def test_a_failed_pg_dump_is_reported_and_leaves_no_file(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with postgresql_app(port) as app:
        result = backup(app, tmp_path / "backup.dump")
    assert result.exit_code == 1
    assert "pg_dump failed:" in result.output and "No backup was written" in result.output
    assert "s3cret-pw" not in result.output
    assert list(tmp_path.iterdir()) == []


# --- the keys ----------------------------------------------------------------------------------


def test_the_keys_are_named_and_copied_only_when_asked(tmp_path):
    key_file = tmp_path / "signing.pem"
    key_file.write_bytes(new_private_key_pem())
    database = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/live.sqlite3"
    keys = tmp_path / "keys"
    with app_with_database(
        SQLALCHEMY_DATABASE_URI=database, CERTIFICATE_SIGNING_KEY_FILE=str(key_file)
    ) as app:
        named = backup(app, tmp_path / "one.dump")
        assert named.exit_code == 0, named.output
        assert f"Certificate signing key: {key_file}." in named.output
        assert "Secret key: in the SECRET_KEY setting, not a file" in named.output
        assert not keys.exists()

        copied = backup(app, "--with-keys", keys, tmp_path / "two.dump")
        assert copied.exit_code == 0, copied.output
        assert (keys / "signing.pem").read_bytes() == key_file.read_bytes()
        assert (keys / "signing.pem").stat().st_mode & 0o777 == 0o600
        assert keys.stat().st_mode & 0o777 == 0o700

        again = backup(app, "--with-keys", keys, tmp_path / "three.dump")
        assert again.exit_code == 1
        assert f"{keys / 'signing.pem'} already exists: add --force" in again.output
        assert not (tmp_path / "three.dump").exists()
