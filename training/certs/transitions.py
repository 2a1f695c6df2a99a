"""The database writes that move a certificate from one state to the next.

Each is a single conditional UPDATE, or an INSERT the database may refuse (one current
certificate per holder and track: ``uq_certificate_current``). So when two people act on one
certificate, or on one holder, at the same moment, exactly one succeeds, whatever each of them
saw a moment before; the other's transaction is rolled back whole and they are told why.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import Certificate, utcnow


class CodeTaken(Exception):
    """The new certificate's code is already used (astronomically rare): draw another."""


class AlreadyCurrent(Exception):
    """The holder already has a current certificate of this track."""


def _current(certificate_id: int):  # type: ignore[no-untyped-def]
    return update(Certificate).where(
        Certificate.id == certificate_id,
        Certificate.revoked_at.is_(None),
        Certificate.superseded_at.is_(None),
    )


def _changed_one_row(statement) -> bool:  # type: ignore[no-untyped-def]
    result = db.session.execute(statement, execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]


def insert(certificate: Certificate) -> None:
    """Add a new certificate in the open transaction. If the database refuses it, the
    transaction is rolled back and CodeTaken or AlreadyCurrent says why."""
    db.session.add(certificate)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if db.session.scalar(select(Certificate.id).where(Certificate.code == certificate.code)):
            raise CodeTaken from None
        if db.session.scalar(
            select(Certificate.id).where(
                Certificate.user_id == certificate.user_id,
                Certificate.track_id == certificate.track_id,
                Certificate.revoked_at.is_(None),
                Certificate.superseded_at.is_(None),
            )
        ):
            raise AlreadyCurrent from None
        raise


def supersede(certificate_id: int) -> bool:
    """Take a current certificate out of service for its re-issue or renewal. False if it is no
    longer current (someone revoked, re-issued or renewed it first)."""
    return _changed_one_row(_current(certificate_id).values(superseded_at=utcnow()))


def link_replacement(old_id: int, new_id: int) -> None:
    """Point a superseded certificate at the one that took its place (same transaction)."""
    db.session.execute(
        update(Certificate).where(Certificate.id == old_id).values(replaced_by_id=new_id),
        execution_options={"synchronize_session": False},
    )


def revoke(certificate_id: int, by_id: int, category: str, reason: str) -> bool:
    """Revoke a current certificate. False if it is no longer current."""
    return _changed_one_row(
        _current(certificate_id).values(
            revoked_at=utcnow(),
            revoked_by_id=by_id,
            revoke_category=category,
            revoke_reason=reason,
        )
    )
