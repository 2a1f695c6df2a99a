"""How a request's database transaction ends when the view left it open.

A view that changes something commits itself. What is left open at the end of a request is
either a transaction that only read, or one whose changes the view chose not to keep (a failed
form after a flush, an error page). Flask-SQLAlchemy rolls both back. On PostgreSQL a ROLLBACK
also makes psycopg forget every statement it had prepared on that connection, so each request
parses and plans the same few statements again. This module ends a transaction that provably
only read with COMMIT instead, which keeps the prepared statements; anything else is rolled
back exactly as before.

"Provably only read" means all of: the request raised nothing, the session holds no unflushed
change, and every statement the transaction sent to the database was a SELECT (anything else,
including a SAVEPOINT, counts as a write and the transaction is rolled back).

Only on PostgreSQL: SQLite has nothing to keep, and there the extra bookkeeping made a page
about 0.1 ms slower (``python -m bench.cpu``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from training.extensions import db

log = logging.getLogger(__name__)

#: key in a pooled connection's ``info``: the current transaction sent something not a SELECT
WROTE = "training.wrote"
#: key in a session's ``info``: the connection its current transaction runs on
CONNECTION = "training.connection"


def _forget_writes(connection: Connection) -> None:
    connection.info.pop(WROTE, None)


def _note_writes(
    connection: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


@event.listens_for(Session, "after_begin")
def _remember_connection(
    session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    session.info[CONNECTION] = connection


@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(CONNECTION, None)


def only_read(session: Session) -> bool:
    """True if the session's open transaction has read and nothing else, and can be committed
    without keeping anything the view did not mean to keep."""
    connection = session.info.get(CONNECTION)
    transaction = session.get_transaction()
    if connection is None or transaction is None or not transaction.is_active:
        return False
    if connection.info.get(WROTE):
        return False
    return not (session.new or session.dirty or session.deleted)


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "begin", _forget_writes)
    event.listen(engine, "before_cursor_execute", _note_writes)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs before it (Flask runs them
    # in reverse): the session is still open here, and closed right after.
    @app.teardown_appcontext
    def end_read_only_transaction(exc: BaseException | None) -> None:
        if exc is not None or not db.session.registry.has():
            return
        session = db.session()
        if not only_read(session):
            return
        # The session is closed right after: nothing needs expiring, and an object still held
        # (a test's, a streamed template's) keeps what it had loaded, as when it is just closed.
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        except SQLAlchemyError:
            # Only reads were lost; Flask-SQLAlchemy's teardown rolls back and closes.
            log.warning("could not end a read-only transaction with COMMIT", exc_info=True)
        finally:
            session.expire_on_commit = expire
