"""Shared fixtures: an app on a fresh database for each test (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a test client, and the plain helpers in tests/helpers.py."""

from __future__ import annotations

import os

import pytest

from tests.parallel import database_of_this_worker

# Under pytest-xdist each worker process gets a PostgreSQL database of its own (test_gw0, …),
# made from TEST_DATABASE_URL's; before tests.helpers reads the variable.
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["TEST_DATABASE_URL"] = database_of_this_worker(os.environ["TEST_DATABASE_URL"])

from tests.helpers import app_with_database


@pytest.fixture
def app():
    """A fresh app and empty database (see ``app_with_database``)."""
    with app_with_database() as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
