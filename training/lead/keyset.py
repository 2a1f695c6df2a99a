"""Keyset pages of the audit log: "Newer" and "Older" from one event to the next, newest first.

A page number makes the database count and skip every event before the page (page 20,000 of
1.5 million events read a million rows); a page here starts right after (or before) the event
named in the address, which the index on (``at``, ``id``) finds directly, however deep. The
total is counted only up to ``COUNT_UP_TO``: past that the page says "1,000+ events".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, request
from sqlalchemy import and_, func, or_, select

from training.extensions import db
from training.input_checks import database_id
from training.models import AuditEvent

PAGE_SIZE = 50
#: count the events that match, but stop at this many
COUNT_UP_TO = 1000


@dataclass(frozen=True)
class Page:
    rows: list[AuditEvent]
    #: the events matching, counted up to ``COUNT_UP_TO`` (then ``more`` is true)
    total: int
    more: bool
    #: the event ids the "Newer" and "Older" links continue from (None: no such link)
    newer: int | None
    older: int | None
    #: the newest events: no "Newest" link needed
    first: bool


def _cursor() -> tuple[str, int, Any] | None:
    """("older" or "newer", event id, its time) from the address; None for the first page.
    A value that is not an event of the log is left out, with a message."""
    given = [(name, request.args[name]) for name in ("older", "newer") if name in request.args]
    if not given:
        return None
    (name, value), *rest = given
    try:
        event_id = database_id(value)
    except ValueError:
        event_id = None
    at = None if event_id is None or rest else db.session.scalar(
        select(AuditEvent.at).where(AuditEvent.id == event_id)
    )  # fmt: skip
    if at is None:
        flash(
            "That link to a page of the audit log does not lead anywhere we know, so here are "
            "the newest events. Use the “Newer” and “Older” links to move through the log.",
            "error",
        )
        return None
    assert event_id is not None
    return name, event_id, at


def page(conditions: list[Any], *options: Any) -> Page:
    """The page of events matching ``conditions`` the address asks for (newest first). A link
    past either end (the oldest event's "Older", kept from before the log grew or a filter
    changed) shows the page at that end, so the lead is never left with no way back."""
    cursor = _cursor()
    query = select(AuditEvent).options(*options).where(*conditions)
    newest_first = (AuditEvent.at.desc(), AuditEvent.id.desc())
    oldest_first = (AuditEvent.at, AuditEvent.id)
    rows: list[AuditEvent] = []
    if cursor is not None:
        direction, event_id, at = cursor
        if direction == "older":
            before = and_(AuditEvent.at <= at, or_(AuditEvent.at < at, AuditEvent.id < event_id))
            rows, further = _upto(query.where(before).order_by(*newest_first))
            newer, older = True, further
        else:
            after = and_(AuditEvent.at >= at, or_(AuditEvent.at > at, AuditEvent.id > event_id))
            rows, further = _upto(query.where(after).order_by(*oldest_first))
            rows.reverse()
            newer, older = further, True
        if not rows and direction == "older":  # past the oldest: the oldest page
            rows, further = _upto(query.order_by(*oldest_first))
            rows.reverse()
            newer, older = further, False
    if not rows:  # the first page, or past the newest
        rows, older = _upto(query.order_by(*newest_first))
        newer, cursor = False, None
    matching = select(AuditEvent.id).where(*conditions).limit(COUNT_UP_TO + 1).subquery()
    counted = db.session.scalar(select(func.count()).select_from(matching)) or 0
    return Page(
        rows,
        min(counted, COUNT_UP_TO),
        counted > COUNT_UP_TO,
        rows[0].id if newer and rows else None,
        rows[-1].id if older and rows else None,
        cursor is None,
    )


def _upto(ordered: Any) -> tuple[list[AuditEvent], bool]:
    """A page of ``ordered``'s events, and whether more follow."""
    rows = list(db.session.scalars(ordered.limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
