"""A trainee's hours on their page for the lead: totals by kind and status, and the entries a
page at a time (a trainee logs hundreds over a certification)."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from certificates.hours import KINDS
from training.extensions import db
from training.hours import services as hours_services
from training.models import EntryStatus, HoursEntry, User

#: entries a page of the person page shows
ENTRIES_PAGE = 25
#: the columns of the totals: what a lead follows (drafts are the trainee's own business
#: until submitted, so they are only counted in a line of their own)
COLUMNS = {
    EntryStatus.APPROVED: "Approved",
    EntryStatus.SUBMITTED: "Waiting for sign-off",
    EntryStatus.RETURNED: "Returned to correct",
}


@dataclass(frozen=True)
class HoursTotals:
    #: kind label -> status -> minutes, for each kind, then "All kinds"
    rows: dict[str, dict[str, int]]
    #: minutes in drafts, not yet submitted
    drafts: int

    @property
    def any(self) -> bool:
        return self.drafts > 0 or any(any(row.values()) for row in self.rows.values())


def totals_of(trainee: User) -> HoursTotals:
    """The trainee's minutes by kind and status, summed by the database (one query)."""
    rows = {label: dict.fromkeys(COLUMNS, 0) for label in KINDS.values()}
    everything = dict.fromkeys(COLUMNS, 0)
    drafts = 0
    for logged in hours_services.logged_sums([trainee.id])[trainee.id]:
        if logged.status == EntryStatus.DRAFT:
            drafts += logged.minutes
        elif logged.status in COLUMNS and logged.kind in KINDS:
            rows[KINDS[logged.kind]][logged.status] += logged.minutes
            everything[logged.status] += logged.minutes
    return HoursTotals({**rows, "All kinds": everything}, drafts)


@dataclass(frozen=True)
class EntriesPage:
    entries: list[HoursEntry]
    page: int
    pages: int
    total: int


def entries_page(trainee: User) -> EntriesPage:
    """The page of the trainee's entries (newest first) the address asks for (``page``);
    a page past the end shows the last."""
    mine = HoursEntry.trainee_id == trainee.id
    total = db.session.scalar(select(func.count()).select_from(HoursEntry).where(mine)) or 0
    pages = max(1, ceil(total / ENTRIES_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    entries = db.session.scalars(
        select(HoursEntry)
        .options(selectinload(HoursEntry.sign_offs))
        .where(mine)
        .order_by(HoursEntry.day.desc(), HoursEntry.id.desc())
        .limit(ENTRIES_PAGE)
        .offset((page - 1) * ENTRIES_PAGE)
    )
    return EntriesPage(list(entries), page, pages, total)
