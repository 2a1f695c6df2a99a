"""The database's own INSERT, which has ``on_conflict_do_nothing`` and ``on_conflict_do_update``
(SQLite and PostgreSQL spell them alike): for writes that a unique key settles, so two requests
at once never fail each other."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from training.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_insert(table):  # type: ignore[no-untyped-def]
    """``insert(table)`` of the session's database, with its ON CONFLICT clauses."""
    return _INSERTS[db.session.get_bind().dialect.name](table)
