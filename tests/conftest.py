"""Shared fixtures: an app on a fresh database for each test (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a test client, and the plain helpers in tests/helpers.py."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.helpers import TEST_DATABASE_URL, app_config
from training import create_app
from training.extensions import db


def _empty_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in reversed(tables):
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


@pytest.fixture
def app():
    app = create_app(app_config())
    with app.app_context():
        db.create_all()
        if TEST_DATABASE_URL:
            _empty_tables()
        yield app
        db.session.remove()
        if TEST_DATABASE_URL:
            _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
