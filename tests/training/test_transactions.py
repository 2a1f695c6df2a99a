"""How a request's open transaction ends: with COMMIT when it only read (PostgreSQL then keeps
its prepared statements), otherwise rolled back, so nothing a view did not commit is kept.
On SQLite every open transaction is rolled back, as before."""

from datetime import date

import pytest
from flask import abort
from sqlalchemy import event, func, select, text

from certificates.codes import format_code, new_code
from tests.helpers import TEST_DATABASE_URL, count, make_user
from training.extensions import db
from training.models import Cohort, User
from training.transactions import only_read

postgresql_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="only done on PostgreSQL")


@pytest.fixture
def endings(app):
    """How each transaction on the app's engine ended, in order."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_commit(_connection):
        seen.append("commit")

    def on_rollback(_connection):
        seen.append("rollback")

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    yield seen
    event.remove(engine, "commit", on_commit)
    event.remove(engine, "rollback", on_rollback)


def _cohort(name: str) -> Cohort:
    return Cohort(name=name, start_date=date(2026, 1, 5), track_id="peer-support")


@pytest.fixture
def views(app):
    """Views that leave their transaction open in each way a real view can."""

    @app.get("/t/read")
    def read():
        return str(db.session.scalar(select(func.count()).select_from(User)))

    @app.get("/t/flush-then-refuse")
    def flush_then_refuse():
        db.session.add(_cohort("Never kept"))
        db.session.flush()
        abort(400)

    @app.get("/t/pending")
    def pending():
        db.session.add(_cohort("Never flushed"))
        return "added, not flushed"

    @app.get("/t/plain-update")
    def plain_update():
        db.session.execute(text('UPDATE "user" SET name = :name'), {"name": "Changed"})
        return "updated, not committed"

    @app.get("/t/savepoint")
    def savepoint():
        with db.session.begin_nested():
            db.session.add(_cohort("Only in a savepoint"))
        return "savepoint released, outer transaction not committed"

    @app.get("/t/read-then-fail")
    def read_then_fail():
        db.session.scalar(select(User).limit(1)).name = "Changed"
        db.session.flush()
        raise RuntimeError("the view failed")

    return app


@postgresql_only
def test_a_request_that_only_read_ends_with_commit(client, views, endings):
    make_user(name="Riley Chen")
    endings.clear()
    assert client.get("/t/read").text == "1"
    assert endings == ["commit"]


@postgresql_only
def test_a_real_read_only_page_ends_with_commit(client, endings):
    unknown = format_code(new_code())  # well formed, so it is looked up, and found nowhere
    assert client.get(f"/verify/{unknown}.json").json["status"] == "not_found"
    assert endings == ["commit"]


# On SQLite the driver starts no transaction before a SAVEPOINT, so releasing a first savepoint
# commits: a pysqlite quirk, not this module's, and the app uses no savepoints.
SAVEPOINT = pytest.param(
    "/t/savepoint",
    marks=pytest.mark.skipif(not TEST_DATABASE_URL, reason="pysqlite commits a lone savepoint"),
)


@pytest.mark.parametrize(
    "url", ["/t/flush-then-refuse", "/t/pending", "/t/plain-update", SAVEPOINT]
)
def test_changes_a_view_did_not_commit_are_never_kept(client, views, endings, url):
    make_user(name="Riley Chen")
    endings.clear()
    client.get(url)
    assert "commit" not in endings
    assert count(Cohort) == 0
    with views.app_context():
        assert db.session.scalar(select(User.name)) == "Riley Chen"


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's behaviour")
def test_sqlite_rolls_back_even_a_request_that_only_read(client, views, endings):
    make_user(name="Riley Chen")
    endings.clear()
    assert client.get("/t/read").text == "1"
    assert endings == ["rollback"]


def test_a_failed_request_is_rolled_back(app, views, endings):
    make_user(name="Riley Chen")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    endings.clear()
    assert app.test_client().get("/t/read-then-fail").status_code == 500
    assert "commit" not in endings
    with app.app_context():
        assert db.session.scalar(select(User.name)) == "Riley Chen"


@postgresql_only
def test_only_read_is_false_outside_a_transaction_and_after_a_write(app):
    with app.app_context():
        assert not only_read(db.session())
        db.session.scalar(select(func.count()).select_from(User))
        assert only_read(db.session())
        db.session.add(_cohort("Pending"))
        assert not only_read(db.session())
        db.session.flush()
        db.session.expunge_all()
        assert not only_read(db.session())  # flushed: the database holds the change
        db.session.rollback()


@postgresql_only
def test_postgresql_keeps_prepared_statements_from_one_request_to_the_next(client, views):
    make_user(name="Riley Chen")
    for _ in range(8):  # psycopg prepares a statement on its fifth run
        assert client.get("/t/read").text == "1"
    with views.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    assert prepared >= 1
