"""One lock per trainee, for changes that must not pass each other: issuing a certificate
(which reads the trainee's approved hours and checklist, signs and renders, then inserts) and
a supervisor undoing an approval (which must not take back hours a certificate being issued
right now counts).

Both take this lock before they read or change anything, and hold it until their transaction
ends, so one waits for the other and then sees what it did.

PostgreSQL: a row lock on the trainee's ``user`` row (``SELECT … FOR NO KEY UPDATE``).
SQLite ignores FOR UPDATE, and reads outside a write transaction see no lock at all: the
transaction becomes a write transaction from here (``BEGIN IMMEDIATE``), so no other writer
commits until it ends. A transaction that has already written holds SQLite's write lock
already.
"""

from __future__ import annotations

from sqlalchemy import select

from training.extensions import db
from training.models import User


def lock_trainee(trainee_id: int) -> None:
    """Hold the trainee's lock until the open transaction ends (commit or rollback). What the
    session loaded before is expired, so everything read after this is read afresh."""
    db.session.flush()  # nothing pending is lost when the session is expired below
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # NO KEY UPDATE: rows pointing at this user (an email, an audit event, written by a
        # revocation at this moment) do not wait for it, so they cannot deadlock with it
        db.session.execute(
            select(User.id).where(User.id == trainee_id).with_for_update(key_share=True)
        )
    db.session.expire_all()
