"""The test suite runs in parallel processes (pytest-xdist, ``-n auto`` in ``scripts/test``):
each worker needs a PostgreSQL database of its own, as the tests empty and fill theirs."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from training.config import normalise_database_url


def database_of_this_worker(url: str) -> str:
    """``url`` itself outside xdist or for SQLite; else the same server's database named
    ``<name>_<worker>`` (``test_gw0``), created when missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    parsed = make_url(url)
    if not worker or not parsed.drivername.startswith("postgres"):
        return url
    name = f"{parsed.database}_{worker}"
    engine = create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)
