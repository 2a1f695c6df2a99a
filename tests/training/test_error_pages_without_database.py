"""Error pages render without the database: when the site's layout cannot be drawn (its
navigation reads the signed-in person from the database), the page falls back to a layout of
its own, and a database that fails answers 503 with that page, never a bare 500; which page
(busy, unreachable, a change that may or may not be saved) follows PostgreSQL's SQLSTATE.
/healthz reports each dependency, on a connection of its own. (Faults of a real PostgreSQL
server: ``test_database_faults``.)"""

from __future__ import annotations

import re
import sqlite3
import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from certificates.codes import format_code, new_code
from tests.helpers import app_config, make_user, sign_in, text_of
from training import create_app
from training.database_timeouts import COMMIT_UNCONFIRMED, database_health
from training.extensions import db


def unreachable(*_args: object) -> None:
    raise OperationalError("SELECT …", {}, sqlite3.OperationalError("unable to open database file"))


def assert_page_of_its_own(response, code: int, title: str) -> None:  # type: ignore[no-untyped-def]
    """The page on its own layout: what axe checks (language, title, a main landmark with a
    heading), the site's styles, and no navigation that would need the database."""
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert '<html lang="en">' in page
    assert re.search(rf"<title>{re.escape(title)} · ", page.replace("&#39;", "'"))
    assert '<main id="main-content"' in page
    assert f"<h1>{title}</h1>" in page.replace("&#39;", "'")
    assert "/static/style.css" in page
    assert "Sign out" not in page and "Sign in" not in page
    assert "Internal Server Error" not in page


def test_a_signed_in_page_whose_user_cannot_be_loaded_gets_the_503_page(app, client, monkeypatch):
    sign_in(client, make_user())
    monkeypatch.setattr("training.auth.login_sessions.load", unreachable)
    response = client.get("/hours/")
    assert_page_of_its_own(response, 503, "The site can't reach its database right now")
    assert "Nothing you sent was saved" in text_of(response)
    assert int(response.headers["Retry-After"]) > 0


def test_outside_testing_the_503_page_is_served_too(app, client, monkeypatch):
    """With exceptions no longer propagated (as under gunicorn), nothing raises past the
    handler: the person gets the page, not the server's bare "Internal Server Error"."""
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    sign_in(client, make_user())
    monkeypatch.setattr("training.auth.login_sessions.load", unreachable)
    response = client.get("/certificate/")
    assert_page_of_its_own(response, 503, "The site can't reach its database right now")


def test_a_404_whose_layout_fails_falls_back_to_the_page_of_its_own(app, client, monkeypatch):
    sign_in(client, make_user())
    client.get("/hours/")  # signed in and working
    monkeypatch.setattr("training.hours.services.waiting_counts", unreachable)
    response = client.get("/no-such-page")
    assert_page_of_its_own(response, 404, "We couldn't find that page")


def test_a_500_whose_layout_fails_falls_back_to_the_page_of_its_own(app, client, monkeypatch):
    @app.route("/broken")
    def broken():  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    sign_in(client, make_user())
    monkeypatch.setattr("training.hours.services.waiting_counts", unreachable)
    response = client.get("/broken")
    assert_page_of_its_own(response, 500, "Something went wrong on our side")


def test_error_pages_keep_the_sites_layout_while_the_database_answers(app, client):
    sign_in(client, make_user())
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "Sign out" in page and "My hours" in page


def test_a_missing_sqlite_database_gets_the_503_page(tmp_path):
    uri = f"sqlite:///{tmp_path}/missing/folder/training.sqlite3"
    client = create_app(app_config(SQLALCHEMY_DATABASE_URI=uri)).test_client()
    response = client.get(f"/verify/{format_code(new_code())}")
    assert_page_of_its_own(response, 503, "The site can't reach its database right now")


def test_json_clients_get_json_for_a_database_outage(app, client, monkeypatch):
    monkeypatch.setattr("training.certs.views.db.session.scalar", unreachable)
    monkeypatch.setattr("training.certs.views.db.session.execute", unreachable)
    response = client.get(
        f"/verify/{format_code(new_code())}.json", headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.json["status"] == 503
    assert "Retry-After" in response.headers


def test_no_free_connection_in_the_pool_gets_the_busy_page(app, client, monkeypatch):
    def pool_exhausted(*_args: object) -> None:
        raise PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached")

    sign_in(client, make_user())
    monkeypatch.setattr("training.auth.login_sessions.load", pool_exhausted)
    response = client.get("/hours/")
    assert_page_of_its_own(response, 503, "The site is busy right now")
    assert "Nothing you sent was saved" in text_of(response)


def test_a_mistake_in_a_statement_is_still_a_500_not_an_outage():
    app = create_app(app_config(TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.route("/mistake")
    def mistake():  # type: ignore[no-untyped-def]
        db.session.execute(text("SELECT * FROM no_such_table"))

    try:
        assert app.test_client().get("/mistake").status_code == 500
    finally:
        with app.app_context():  # no connection left open for the end of the run
            db.engine.dispose()


def test_healthz_reports_each_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "limit_store": "disabled"}


@pytest.mark.parametrize(
    ("store", "status"), [("ok", "ok"), ("memory", "ok"), ("unavailable", "degraded")]
)
def test_healthz_is_degraded_but_up_when_the_limit_store_fails(client, monkeypatch, store, status):
    client.application.config["RATELIMIT_ENABLED"] = True
    monkeypatch.setattr("training.limit_store.limit_store_status", lambda: store)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": status, "database": "ok", "limit_store": store}


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    uri = f"sqlite:///{tmp_path}/missing/folder/training.sqlite3"
    response = create_app(app_config(SQLALCHEMY_DATABASE_URI=uri)).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {
        "status": "error",
        "database": "unavailable",
        "limit_store": "disabled",
    }


@pytest.mark.parametrize("value", ["soon", -1, None])
def test_a_timeout_setting_must_be_a_number_of_seconds(value):
    from training.database_timeouts import seconds_setting

    key = "DATABASE_STATEMENT_TIMEOUT"
    with pytest.raises(ValueError, match=f"FLASK_{key} must be a number of seconds"):
        seconds_setting({key: value}, key)
    assert seconds_setting({key: "2.5"}, key) == 2.5


class FakePostgresError(Exception):
    """What psycopg raises: an error with the server's SQLSTATE (None: no answer at all)."""

    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


UNREACHABLE = "The site can't reach its database right now"
BUSY = "The site is busy right now"


@pytest.mark.parametrize(
    ("sqlstate", "title", "retry_after"),
    [
        (None, UNREACHABLE, "30"),  # refused, dropped, cut by the watchdog
        ("08006", UNREACHABLE, "30"),  # connection failure
        ("08001", UNREACHABLE, "30"),
        ("57P01", UNREACHABLE, "30"),  # the server shuts down
        ("57P02", UNREACHABLE, "30"),
        ("57P03", UNREACHABLE, "30"),  # the server is starting
        ("57014", BUSY, "5"),  # cancelled: the statement timeout
        ("40001", BUSY, "5"),  # serialization failure
        ("40P01", BUSY, "5"),  # deadlock
        ("55P03", BUSY, "5"),  # lock not available
        ("53300", BUSY, "5"),  # too many connections
    ],
)
def test_a_database_failure_gets_the_page_its_sqlstate_calls_for(sqlstate, title, retry_after):
    response = _failing_with(FakePostgresError(sqlstate))
    assert_page_of_its_own(response, 503, title)
    assert "Nothing you sent was saved" in text_of(response)
    assert response.headers["Retry-After"] == retry_after


@pytest.mark.parametrize("sqlstate", ["53100", "58030", "XX000", "22012"])
def test_any_other_database_error_is_a_500_not_an_outage(sqlstate, caplog):
    """A full disk, an I/O error, a broken index: hiding it behind "try again" would hide
    it from whoever runs the site; the traceback goes to the log."""
    response = _failing_with(FakePostgresError(sqlstate))
    assert response.status_code == 500
    assert "Something went wrong on our side" in text_of(response)
    assert "Traceback" in caplog.text and f"SQLSTATE {sqlstate}" in caplog.text


def test_a_commit_that_got_no_answer_asks_the_person_to_check():
    error = FakePostgresError(None)
    setattr(error, COMMIT_UNCONFIRMED, True)
    response = _failing_with(error)
    assert_page_of_its_own(response, 503, UNREACHABLE)
    text = text_of(response)
    assert "We could not confirm that your change was saved" in text
    assert "Nothing you sent was saved" not in text


def _failing_with(original: Exception):  # type: ignore[no-untyped-def]
    app = create_app(app_config(TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.route("/fails")
    def fails():  # type: ignore[no-untyped-def]
        raise OperationalError("COMMIT", {}, original)

    return app.test_client().get("/fails")


def test_healthz_is_ok_while_every_pooled_connection_is_in_use(tmp_path):
    """A busy site is not a failing one: the check has a connection of its own."""
    app = create_app(
        app_config(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/training.sqlite3",
            SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 5},
        )
    )
    with app.app_context(), db.engine.connect():  # the pool's one connection, in use
        response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_healthz_runs_one_database_check_at_a_time_while_the_database_hangs(tmp_path):
    """A load balancer keeps asking while the database hangs: the checks' threads must not
    pile up, each waiting for its own connection."""
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/t.sqlite3"))
    release = threading.Event()
    event.listen(database_health(app).engine, "do_connect", lambda *_: release.wait(30) and None)
    before = set(threading.enumerate())
    try:
        for _ in range(3):
            assert app.test_client().get("/healthz").json["database"] == "unavailable"
        checks = [t for t in set(threading.enumerate()) - before if t.name == "database-check"]
        assert len(checks) == 1
    finally:
        release.set()
    # the check in flight answers once the database does: the next request hears it, not a
    # stale "unavailable" until that thread is done
    assert app.test_client().get("/healthz").json["database"] == "ok"
    for check in checks:
        check.join(30)
