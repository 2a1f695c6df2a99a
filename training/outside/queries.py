"""The lists of outside-training records leads and supervisors page through: the lead's queue
and every record a viewer may see, with filters."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from certificates.outside_hours import KINDS
from training.extensions import db
from training.hours.assignments import supervision
from training.models import Role, User
from training.outside.models import OutsideRecord, OutsideStatus


def queue_query() -> Select:
    """Submitted records, oldest first (the lead's queue)."""
    return (
        select(OutsideRecord)
        .options(joinedload(OutsideRecord.trainee), joinedload(OutsideRecord.file))
        .where(OutsideRecord.status == OutsideStatus.SUBMITTED)
        .order_by(OutsideRecord.submitted_at, OutsideRecord.id)
    )


def listing_query(
    viewer: User, *, status: str = "", kind: str = "", trainee_id: int | None = None
) -> Select:
    """Records a lead (all) or a supervisor (their assigned trainees') may see, newest first,
    optionally of one status, kind or trainee."""
    query = select(OutsideRecord).options(
        joinedload(OutsideRecord.trainee), joinedload(OutsideRecord.decided_by)
    )
    if viewer.role != Role.LEAD:
        query = query.where(supervision(OutsideRecord.trainee_id, viewer.id))
    if status in set(OutsideStatus):
        query = query.where(OutsideRecord.status == status)
    if kind in KINDS:
        query = query.where(OutsideRecord.kind == kind)
    if trainee_id is not None:
        query = query.where(OutsideRecord.trainee_id == trainee_id)
    return query.order_by(OutsideRecord.submitted_at.desc(), OutsideRecord.id.desc())


def page_of(query: Select, page: int, size: int) -> tuple[list[OutsideRecord], int, int]:
    """One page of a query's records: the records, the page (kept in range) and the pages."""
    counted = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-(counted or 0) // size))
    page = min(max(1, page), pages)
    rows = db.session.scalars(query.limit(size).offset((page - 1) * size)).unique().all()
    return list(rows), page, pages
