"""``flask --app wsgi db backup PATH``: a complete, consistent copy of the database, made while
the app keeps running.

A plain copy of a SQLite file misses every commit still in its write-ahead log (``-wal``), so on
SQLite the copy is made with SQLite's online backup API, in one step: it reads one snapshot of
the database, WAL included, while the app's writers carry on. On PostgreSQL it runs
``pg_dump --format=custom`` when pg_dump is installed, and otherwise prints the exact commands.

The copy is written beside PATH under a temporary name and only takes PATH's name once it is
complete and checked (``PRAGMA integrity_check``, ``pg_restore --list``): an interrupted or
failed backup never leaves a file that looks like a backup. The secret key and the certificate
signing key live outside the database; the command names them, and copies them only when asked
(``--with-keys DIR``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from training import SECRET_KEY_FILE
from training.certs import keys
from training.extensions import db
from training.models import AuditEvent, Certificate, HoursEntry, User

#: what the report counts in a SQLite copy, so the operator sees it holds what they expect
COUNTED = (
    (User.__tablename__, "people"),
    (HoursEntry.__tablename__, "hours entries"),
    (Certificate.__tablename__, "certificates"),
    (AuditEvent.__tablename__, "audit events"),
)
#: exit status when pg_dump is not installed and the commands are printed instead
NOT_RUN = 2


class BackupError(click.ClickException):
    """A backup that cannot be made, with what to do about it (exit status 1)."""


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH (and key copies) if they exist.")
@click.option(
    "--with-keys",
    "keys_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also copy the secret key and certificate signing key files into this folder (0600).",
)
@with_appcontext
def backup(path: Path, force: bool, keys_dir: Path | None) -> None:
    """Copy the database to PATH, safely while the app runs (SQLite: online backup API;
    PostgreSQL: pg_dump --format=custom)."""
    url = db.engine.url
    keys_needed = secret_files(current_app)
    if keys_dir is not None:
        _check_keys_dir(keys_dir, keys_needed, force)
    if url.get_backend_name() == "sqlite":
        _backup_sqlite(_sqlite_file(url), path, force)
    elif url.get_backend_name() == "postgresql":
        _backup_postgresql(url, path, force)
    else:
        raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
    if keys_dir is not None:
        _copy_keys(keys_needed, keys_dir, force)
    else:
        _name_keys(keys_needed)


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(
            "The database is in memory (or given as a file: URI): there is no file to back up."
        )
    source = Path(url.database).resolve()
    if not source.is_file():
        raise BackupError(f"There is no database at {source}: nothing to back up.")
    return source


def _backup_sqlite(source: Path, target: Path, force: bool) -> None:
    sidecars = {source, *(source.with_name(source.name + s) for s in ("-wal", "-shm", "-journal"))}
    if target.resolve() in sidecars or (target.exists() and target.samefile(source)):
        raise BackupError(
            f"{target} is the database itself: write the backup to another file, "
            "ideally on another disk."
        )
    with _written_atomically(target, force) as partial:
        counts = _copy_sqlite(source, partial)
    size = target.stat().st_size
    click.echo(f"Backed up {source} to {target} ({size:,} bytes; integrity check: ok).")
    if counts:
        click.echo("It holds " + ", ".join(f"{n:,} {label}" for label, n in counts) + ".")
    click.echo(
        "To restore: stop the app, put this file in the database's place "
        f"({source}; remove any {source.name}-wal and {source.name}-shm beside it), run "
        "`flask --app wsgi db upgrade`, start the app and verify a certificate you know."
    )


def _copy_sqlite(source: Path, partial: Path) -> list[tuple[str, int]]:
    """Copy with the online backup API; check the copy; the counts of its main tables."""
    # mode=rw: never create an empty database where the real one should be
    reading = sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            # One step (pages=-1): one read transaction sees one snapshot, WAL included, and
            # the app's writers are not held up by it.
            reading.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(
                    f"The copy failed SQLite's integrity check ({'; '.join(problems[:3])}): the "
                    "database itself may be damaged. No backup was written."
                )
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
            return [
                (label, copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608 (our table names)
                for table, label in COUNTED
                if table in tables
            ]
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(f"Could not copy the database: {error}. No backup was written.") from None
    finally:
        reading.close()


# --- PostgreSQL --------------------------------------------------------------------------------


def libpq_address(url: URL, database: str | None = None) -> str:
    """The database's address as libpq takes it (pg_dump, psql), without the password."""
    changes = {"drivername": "postgresql", "password": None}
    if database is not None:
        changes["database"] = database
    return url._replace(**changes).render_as_string(hide_password=False)


def _backup_postgresql(url: URL, target: Path, force: bool) -> None:
    address, quoted_target = libpq_address(url), shlex.quote(str(target))
    restore = (
        f"  createdb NEW_DATABASE   (-h/-p/-U as for the server, or in psql: CREATE DATABASE)\n"
        f"  pg_restore --no-owner --dbname {shlex.quote(libpq_address(url, 'NEW_DATABASE'))} "
        f"{quoted_target}\n"
        "then point DATABASE_URL at the new database, run `flask --app wsgi db upgrade`, start "
        "the app and verify a certificate you know."
    )
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        click.echo(
            "pg_dump is not installed here (Debian/Ubuntu: apt install postgresql-client, of the "
            "server's major version or newer), so nothing was written. Back up with:\n"
            f"  pg_dump --format=custom --file {quoted_target} {shlex.quote(address)}\n"
            "(it asks for the password, or reads PGPASSWORD or ~/.pgpass). To restore, into a "
            f"new, empty database:\n{restore}",
            err=True,
        )
        click.get_current_context().exit(NOT_RUN)
    environment = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT") or "10"}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)  # never on a command line others can see
    with _written_atomically(target, force) as partial:
        dump = _run(
            [pg_dump, "--format=custom", f"--file={partial}", f"--dbname={address}"], environment
        )
        if dump.returncode != 0:
            raise BackupError(
                f"pg_dump failed: {_last_lines(dump.stderr, url)} No backup was written."
            )
        checked = _read_back(partial, url)
    click.echo(
        f"Backed up {libpq_address(url)} to {target} ({target.stat().st_size:,} bytes in "
        f"pg_dump's custom format; {checked})."
    )
    click.echo(f"To restore, stop the app, then into a new, empty database:\n{restore}")


def _run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603 (our own arguments, no shell)


def _read_back(archive: Path, url: URL) -> str:
    """Read the archive's table of contents back with pg_restore --list: what it holds."""
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        return "not read back: pg_restore is not installed here"
    listing = _run([pg_restore, "--list", str(archive)], dict(os.environ))
    if listing.returncode != 0:
        raise BackupError(
            f"pg_restore cannot read what pg_dump wrote: {_last_lines(listing.stderr, url)} "
            "No backup was written."
        )
    tables = sum(" TABLE DATA " in line for line in listing.stdout.splitlines())
    return f"pg_restore reads it back: the data of {tables} tables"


def _last_lines(text: str, url: URL) -> str:
    message = " ".join(text.strip().splitlines()[-3:]) or "(no message)"
    if url.password:
        message = message.replace(str(url.password), "***")
    return message


# --- writing PATH, and the keys ----------------------------------------------------------------


@contextmanager
def _written_atomically(target: Path, force: bool) -> Iterator[Path]:
    """A temporary file beside ``target`` to write into; it becomes ``target`` only if the
    block succeeds, and is removed otherwise. Without ``force`` an existing ``target`` is never
    replaced, even one that appears while the backup runs."""
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the backup a file name inside it.")
    if target.exists() and not force:
        raise BackupError(
            f"{target} already exists: choose a new name, or add --force to replace it."
        )
    folder = target.parent
    if not folder.is_dir():
        raise BackupError(f"The folder {folder} does not exist (or is not a folder).")
    try:
        handle, name = tempfile.mkstemp(prefix=f"{target.name}.", suffix=".partial", dir=folder)
    except OSError as error:
        raise BackupError(f"Cannot write in {folder}: {error.strerror}.") from None
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        _sync(partial)
        _take_name(partial, target, force)
        _sync(folder)
    finally:
        partial.unlink(missing_ok=True)


def _take_name(partial: Path, target: Path, force: bool) -> None:
    if force:
        os.replace(partial, target)
        return
    try:
        os.link(partial, target)  # fails if target exists: never replaces a file by accident
    except FileExistsError:
        raise BackupError(
            f"{target} appeared while the backup ran: it was left as it is. Choose a new name."
        ) from None
    except OSError:  # a file system without hard links (FAT on a USB stick)
        if target.exists():
            raise BackupError(f"{target} already exists: choose a new name.") from None
        os.rename(partial, target)


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class Secret:
    """A key the database backup does not hold, and the restored site needs."""

    what: str
    setting: str
    #: its file, or None when the setting holds the key itself
    path: Path | None
    why: str

    def describe(self) -> str:
        if self.path is None:
            where = f"in the {self.setting} setting, not a file: keep a copy of that setting"
        elif not self.path.is_file():
            where = f"{self.path} (there is no file there)"
        else:
            where = str(self.path)
        return f"  {self.what}: {where}. {self.why}"


def secret_files(app: Flask) -> list[Secret]:
    """The secret key and the certificate signing key, and where each comes from."""
    secret_file = Path(app.instance_path) / SECRET_KEY_FILE
    from_file = (
        secret_file.is_file() and secret_file.read_text().strip() == app.config["SECRET_KEY"]
    )
    return [
        Secret(
            "Certificate signing key",
            "FLASK_CERTIFICATE_SIGNING_KEY",
            None if app.config.get("CERTIFICATE_SIGNING_KEY") else keys.key_path(app),
            "Every issued certificate's signature checks against it: lose it and every "
            "certificate must be re-issued.",
        ),
        Secret(
            "Secret key",
            "SECRET_KEY",
            secret_file if from_file else None,
            "It signs sessions and password-reset links: lose it and everyone signs in again.",
        ),
    ]


def _name_keys(secrets: list[Secret]) -> None:
    click.echo(
        "Not in this backup, and needed to restore the site: keep copies as safe as the keys "
        "themselves (or add --with-keys DIR):"
    )
    for secret in secrets:
        click.echo(secret.describe())


def _check_keys_dir(folder: Path, secrets: list[Secret], force: bool) -> None:
    if not folder.parent.is_dir():
        raise BackupError(f"The folder {folder.parent} does not exist.")
    for secret in secrets:
        copy = folder / secret.path.name if secret.path is not None else None
        if copy is not None and copy.exists() and not force:
            raise BackupError(f"{copy} already exists: add --force to replace it.")


def _copy_keys(secrets: list[Secret], folder: Path, force: bool) -> None:
    folder.mkdir(mode=0o700, exist_ok=True)
    click.echo("The keys, which the database backup does not hold:")
    for secret in secrets:
        if secret.path is None or not secret.path.is_file():
            click.echo(secret.describe() + " (Not copied.)")
            continue
        copy, key = folder / secret.path.name, secret.path.read_bytes()  # before any O_TRUNC
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
        try:
            descriptor = os.open(copy, flags, 0o600)
        except FileExistsError:
            raise BackupError(f"{copy} already exists: add --force to replace it.") from None
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(key)
        click.echo(f"  {secret.what}: copied to {copy} (readable by its owner only).")
