"""Shared fixtures: an app on a fresh database for each test (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a test client, and the plain helpers in tests/helpers.py."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.helpers import TEST_DATABASE_URL, app_config, use_app
from training import create_app
from training.extensions import db


def _empty_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app():
    """A fresh app and empty database. No app context stays pushed during the test, so every
    request gets its own, as in production (``g`` and the database session do not leak between
    requests); the factories in tests/helpers.py open one of their own."""
    app = create_app(app_config())
    with app.app_context():
        db.create_all()
        if TEST_DATABASE_URL:
            _empty_tables()
    use_app(app)
    yield app
    use_app(None)
    with app.app_context():
        if TEST_DATABASE_URL:
            _empty_tables()
        else:
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
