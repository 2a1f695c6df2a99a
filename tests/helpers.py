"""Plain test helpers: factories, signing in, CSRF tokens, content folders."""

from __future__ import annotations

import html
import itertools
import os
import re
import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import MetaData, func, select, text

from training import create_app
from training.auth.passwords import hash_password
from training.config import TestConfig
from training.extensions import db
from training.models import Certificate, Cohort, Role, User

T = TypeVar("T")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "a long test password"
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once for every test
_numbers = itertools.count(1)


def app_config(**overrides: object) -> dict[str, object]:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    if TEST_DATABASE_URL:
        config["SQLALCHEMY_DATABASE_URI"] = TEST_DATABASE_URL
    config.update(overrides)
    return config


_app: Flask | None = None
_schema_fresh = False


def _empty_tables() -> None:
    # DELETE, not TRUNCATE: on tables this small it is ten times faster (TRUNCATE makes new
    # files for every table and index); then every id starts again from 1, as on a new database.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        )
    db.session.commit()


@contextmanager
def app_with_database(**overrides: object) -> Iterator[Flask]:
    """A fresh app on an empty database (SQLite in memory, or TEST_DATABASE_URL).

    No app context stays pushed while the test runs, so every request gets its own, as in
    production: ``g`` and the database session never leak from one request to the next. The
    factories below open a context of their own.
    """
    global _schema_fresh
    app = create_app(app_config(**overrides))
    with app.app_context():
        if TEST_DATABASE_URL and not _schema_fresh:
            # A shared database may hold tables of an older schema, which create_all would
            # leave as they are: start each test session from an empty database.
            drop_every_table()
            _schema_fresh = True
        db.create_all()
        _empty_tables()
    previous = _app
    use_app(app)
    try:
        yield app
    finally:
        use_app(previous)
        with app.app_context():
            _empty_tables()
            db.session.remove()
            db.engine.dispose()


@contextmanager
def race_app(tmp_path: Path, **overrides: object) -> Iterator[Flask]:
    """``app_with_database`` on a database that several connections really share, for tests
    of requests in parallel threads: TEST_DATABASE_URL, or a SQLite file in ``tmp_path`` (an
    in-memory SQLite database is one connection, which two threads cannot race on)."""
    database = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/race.db"
    with app_with_database(SQLALCHEMY_DATABASE_URI=database, **overrides) as app:
        yield app


def drop_every_table() -> None:
    """Inside an app context: drop whatever tables the database holds, of whatever schema."""
    existing = MetaData()
    existing.reflect(db.engine)
    existing.drop_all(db.engine)


def schema_at(revision: str) -> MetaData:
    """Inside an app context: an empty database migrated up to ``revision``; its tables."""
    from flask_migrate import upgrade

    db.session.remove()
    drop_every_table()
    upgrade(revision=revision)
    tables = MetaData()
    tables.reflect(db.engine)
    return tables


def old_user_rows(ids: tuple[int, ...], when: datetime, **columns: object) -> list[dict]:
    """Rows for the ``user`` table of an older schema (``schema_at``): trainees named P, with
    any ``columns`` that schema had and the current one has not (``session_version=1``)."""
    return [
        {
            "id": i,
            "email": f"p{i}@example.org",
            "name": "P",
            "password_hash": "x",
            "role": "trainee",
            "active": True,
            "must_change_password": False,
            "created_at": when,
            **columns,
        }
        for i in ids
    ]


def use_app(app: Flask | None) -> None:
    """Set the app the helpers work in when no app context is active (the ``app`` fixture)."""
    global _app
    _app = app


@contextmanager
def in_app() -> Iterator[None]:
    """An app context: the active one, or a new one of the fixture's app."""
    if has_app_context() or _app is None:
        yield
        return
    with _app.app_context():
        yield


def save(*objects: object) -> None:
    """Add and commit objects, leaving them readable after the app context ends."""
    opened_here = not has_app_context()
    with in_app():
        db.session.add_all(objects)
        db.session.commit()
        for obj in objects:
            db.session.refresh(obj)
        if opened_here:
            db.session.expunge_all()


def fetch(model: type[T], ident: object) -> T | None:
    """Read a row fresh from the database, as the app would see it now."""
    with in_app():
        obj = db.session.get(model, ident)
        if obj is not None:
            db.session.refresh(obj)
            db.session.expunge(obj)
        return obj


def find(model: type[T], **filters: object) -> T | None:
    """The one row matching ``filters``, read fresh, or None."""
    with in_app():
        obj = db.session.scalars(select(model).filter_by(**filters)).one_or_none()
        if obj is not None:
            db.session.expunge(obj)
        return obj


def count(model: type) -> int:
    with in_app():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def make_user(role: Role | str = Role.TRAINEE, **fields: object) -> User:
    n = next(_numbers)
    user = User(
        email=fields.pop("email", f"person{n}@example.org"),
        name=fields.pop("name", f"Person {n}"),
        role=Role(role),
        password_hash=_PASSWORD_HASH,
        **fields,
    )
    save(user)
    return user


def make_certificate(
    holder: User, *, issued_days_ago: int = 10, expires_in_days: int = 700, **fields: object
) -> Certificate:
    """A stored certificate row for tests that need one to exist (not really signed: tests of
    signing issue through ``training.certs.issuing``)."""
    today = datetime.now(UTC).date()
    certificate = Certificate(
        code=fields.pop("code", f"CODE{holder.id:011d}"),
        user_id=holder.id,
        holder_name=fields.pop("holder_name", holder.name),
        track_id="peer-recovery",
        track_title="Peer Recovery Specialist",
        issued_on=today - timedelta(days=issued_days_ago),
        expires_on=today + timedelta(days=expires_in_days),
        payload="{}",
        signature="x",
        key_id="k",
        pdf=b"%PDF-1.4 test",
        **fields,
    )
    save(certificate)
    return certificate


def all_form_classes() -> list[type]:
    """Every form class the platform defines (each derives from Flask-WTF's ``FlaskForm``)."""
    from flask_wtf import FlaskForm

    import training.auth.forms
    import training.certs.forms
    import training.hours.forms
    import training.lead.cohorts
    import training.lead.forms
    import training.learning.forms
    import training.ob3.forms  # noqa: F401  (imported for their form classes)

    found, pending = [], list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("training."):
            found.append(cls)
    return found


def make_cohort(name: str = "Spring 2026") -> Cohort:
    cohort = Cohort(name=name, start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    return cohort


def redis_answers() -> bool:
    """Whether Redis answers on 127.0.0.1:6379 (for tests of limits shared through it)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def hours_form(supervisor: User, **changes: object) -> dict[str, object]:
    """The fields of a valid "log hours" form (yesterday, 1 h 30 min of group supervision);
    ``changes`` replace fields, and a change to None leaves that field out."""
    data: dict[str, object] = {
        "day": (datetime.now(UTC).date() - timedelta(days=1)).isoformat(),
        "hours": "1",
        "minutes": "30",
        "kind": "group_supervision",
        "method": "video",
        "domains": ["advocacy", "ethical_responsibility"],
        "supervisor": str(supervisor.id),
        "notes": "Group supervision on advocacy with housing services.",
        "direct_service": "no",  # as the form comes (supervised practice only)
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def html_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's HTML, with entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text as a person reads it: no tags, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return re.sub(r" ([,.;:!?])", r"\1", text)  # "<strong>Sam</strong>, …" reads "Sam, …"


def csrf_token(client: FlaskClient) -> str:
    """A valid CSRF token for this client's session, made the way Flask-WTF makes them."""
    raw = "test-raw-csrf-token"
    with client.session_transaction() as session:
        session.setdefault("csrf_token", raw)
        raw = session["csrf_token"]
    serializer = URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token")
    return serializer.dumps(raw)


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs: object):
    """POST a form with a valid CSRF token, as a browser would."""
    form = dict(data or {})
    form.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=form, **kwargs)


def sign_in(client: FlaskClient, user: User) -> None:
    """Sign in without the login form (the login tests use the form): a new login session on
    the server, its token in the client's session cookie."""
    from training.auth import login_sessions

    with in_app():
        token = login_sessions.start(user)
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


def write_course(
    root: Path,
    course_id: str = "basics",
    *,
    course: str | None = None,
    quiz: str | None = None,
    modules: dict[str, str] | None = None,
) -> Path:
    """Write a small valid course (or the given parts of one) under root/courses/."""
    folder = root / "courses" / course_id
    folder.mkdir(parents=True, exist_ok=True)
    modules = (
        modules
        if modules is not None
        else {
            "first": "# First steps\n\nSome **text**.\n\n## A section\n\nMore text.\n",
            "second": '# Second steps\n\n!!! tip "Try this"\n    A callout.\n',
        }
    )
    for module_id, markdown in modules.items():
        (folder / f"{module_id}.md").write_text(markdown)
    (folder / "course.toml").write_text(
        textwrap.dedent(
            course
            if course is not None
            else f"""\
        title = "Basics"
        summary = "A small course."
        order = 1
        modules = [{", ".join(f'"{m}"' for m in modules)}]

        [training_hours]
        mentoring_education = 1.5
        """
        )
    )
    (folder / "quiz.toml").write_text(
        textwrap.dedent(
            quiz
            if quiz is not None
            else """\
        pass_mark = 80
        minutes = 5

        [[questions]]
        id = "q1"
        type = "single"
        module = "first"
        prompt = "Pick b."
        options = [{ id = "a", text = "A" }, { id = "b", text = "B" }, { id = "c", text = "C" }]
        answer = "b"
        explanation = "Because b."
        hint = "Think of the second letter."

        [[questions]]
        id = "q2"
        type = "multiple"
        prompt = "Pick a and c."
        options = [{ id = "a", text = "A" }, { id = "b", text = "B" }, { id = "c", text = "C" }]
        answer = ["a", "c"]
        explanation = "Because a and c."

        [[questions]]
        id = "q3"
        type = "true_false"
        prompt = "True?"
        answer = true
        explanation = "It is true."
        """
        )
    )
    return folder


def assign(trainee: User, supervisor: User) -> None:
    from training.models import SupervisorAssignment

    save(SupervisorAssignment(trainee_id=trainee.id, supervisor_id=supervisor.id))


def make_entry(trainee: User, supervisor: User, status: str = "draft", **fields: object):  # type: ignore[no-untyped-def]
    """An hours entry in any status (an approved one gets its sign-off)."""
    from datetime import UTC, datetime, timedelta

    from training.models import HoursEntry, SignOff

    values = {
        "day": datetime.now(UTC).date() - timedelta(days=2),
        "minutes": 60,
        "kind": "individual_supervision",
        "method": "in_person",
        "domains": ["ethical_responsibility"],
        "notes": "Talked about a boundary question with R.S.",
        "direct_service": False,
        **fields,
    }
    entry = HoursEntry(trainee_id=trainee.id, supervisor_id=supervisor.id, status=status, **values)
    if status != "draft":
        entry.submitted_at = datetime.now(UTC)
    save(entry)
    if status == "approved":
        save(
            SignOff(
                entry_id=entry.id,
                supervisor_id=supervisor.id,
                supervisor_name=supervisor.name,
                supervisor_credential=supervisor.credential or "",
                attestation="I attest.",
            )
        )
    return entry


TEST_TRACK = """
title = "Peer Recovery Specialist"
summary = "A small track for tests."
courses = ["basics"]
validity_months = 24
auto_issue = {auto}

[training_hours]
mentoring_education = 1.5

[supervised_practice]
hours = 2

[supervision]
hours = 1

[attestation]
title = "Code of ethics"
file = "ethics.md"
statement = "I have read this code of ethics and agree to follow it."

[renewal]
courses = ["basics"]
attestation = true
description = "Take Basics again and sign again."
"""


def write_track(root: Path, *, auto_issue: bool = False) -> None:
    """A small track (on the course ``write_course`` makes) with a code of ethics to sign."""
    (root / "tracks").mkdir(parents=True, exist_ok=True)
    (root / "tracks" / "peer-recovery.toml").write_text(
        TEST_TRACK.format(auto="true" if auto_issue else "false")
    )
    (root / "tracks" / "ethics.md").write_text("1. **I put the person first.**\n")


def use_track(app: Flask, track_id: str = "peer-recovery", **rules: object):  # type: ignore[no-untyped-def]
    """Give the app's track ``track_id`` the rules given (``exam=ExamRule(...)`` and so on,
    the fields of ``certificates.tracks.Track``), as if its TOML file said so; returns it."""
    import dataclasses

    from certificates.tracks import TrackSet

    store = app.extensions["content"]
    tracks = store.tracks
    old = tracks.track(track_id)
    if old is None:
        raise LookupError(f"no track {track_id!r} in {store.path}")
    new = dataclasses.replace(old, **rules)
    store.tracks = TrackSet(
        tuple(new if t.id == track_id else t for t in tracks.tracks), tracks.problems
    )
    return new


#: how long a race may take before the test fails as hung (generous: a busy 2-core machine
#: finishes a race in seconds; this only stops a stuck one from hanging the test run forever)
RACE_TIMEOUT = 60.0


def race(app, *actions, timeout: float = RACE_TIMEOUT):  # type: ignore[no-untyped-def]
    """Run each action's ``act`` (client -> response) in its own thread, all released at once,
    and return what each one's person saw: the status and page text, or the error that escaped
    (a 500 in the making).

    An action is ``(prepare, act)``: each ``prepare`` (signing in, say) runs first, here, on
    the action's own client, so a failure there fails the test at once. A racer that is still
    running after ``timeout`` seconds fails the test, saying which one, instead of hanging it.
    """
    clients = []
    for prepare, _act in actions:
        client = app.test_client()
        prepare(client)
        clients.append(client)
    barrier = threading.Barrier(len(actions), timeout=timeout)
    outcomes: list[str] = ["NOT STARTED"] * len(actions)

    def run(i: int) -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            outcomes[i] = "ERROR the racers were never all released together"
            return
        outcomes[i] = "RUNNING"
        try:
            response = actions[i][1](clients[i])
            outcomes[i] = f"{response.status_code} {text_of(response)}"
        except Exception as error:  # a 500 in the making: the test reports it
            outcomes[i] = f"ERROR {type(error).__name__}: {error}"

    threads = [
        threading.Thread(target=run, args=(i,), name=f"racer-{i}", daemon=True)
        for i in range(len(actions))
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    if stuck:
        barrier.abort()  # any racer still waiting to start gives up
        raise AssertionError(
            f"{', '.join(stuck)} still running after {timeout:g} s (hung?); outcomes: {outcomes}"
        )
    return outcomes


def as_user(user, method):
    """A race action: sign ``user`` in on the racer's own client (before the race), then run
    ``method`` in the race."""
    return (lambda client: sign_in(client, user), method)


def within(seconds: float, call):  # type: ignore[no-untyped-def]
    """What ``call()`` returns, run in a thread; fails the test if it has not returned after
    ``seconds`` (a hang guard for fault tests, not a speed test: the thread is left to finish
    when the test thaws the server)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"no answer after {seconds:.0f} s: the request hangs"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
