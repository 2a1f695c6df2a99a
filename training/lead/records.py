"""The certificates register and the audit log: every record, filterable, a page at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from flask import flash, render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from training.auth import role_required
from training.extensions import db
from training.input_checks import EARLIEST_DAY, LATEST_DAY, database_id, sensible_day
from training.lead import audit_subjects, bp, keyset
from training.models import AuditEvent, Certificate, Role, User, utcnow

PAGE_SIZE = 50
SUBJECTS = {
    "hours_entry": "Hours entry",
    "certificate": "Certificate",
    "user": "Person",
    "cohort": "Cohort",
    "practice_response": "Practice response",
    "training_event": "Training event",
    "event_attendance": "Event attendance",
    "outside_record": "Outside training",
    "stored_file": "Uploaded file",
    "competency_evaluation": "Competency evaluation",
    "outbox_message": "Email",
}


def _matches(column, typed: str):  # type: ignore[no-untyped-def]
    """The column contains what was typed, in any case; "%" and "_" are those characters, not
    wildcards that match everyone."""
    return func.lower(column).contains(typed.lower(), autoescape=True)


def _page(query, count_query):  # type: ignore[no-untyped-def]
    total = db.session.scalar(count_query) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).unique().all()
    return rows, total, page, pages


@bp.route("/certificates")
@role_required(Role.LEAD)
def certificates():  # type: ignore[no-untyped-def]
    today = utcnow().date()
    status = request.args.get("status", "")
    name = request.args.get("q", "").strip()
    conditions = []
    if status == "revoked":
        conditions.append(Certificate.revoked_at.is_not(None))
    elif status == "replaced":
        conditions += [Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_not(None)]
    elif status in ("valid", "expired"):
        conditions += [Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_(None)]
        conditions.append(
            Certificate.expires_on >= today if status == "valid" else Certificate.expires_on < today
        )
    elif status == "expiring":
        conditions += [
            Certificate.revoked_at.is_(None),
            Certificate.replaced_by_id.is_(None),
            Certificate.expires_on.between(today, today + timedelta(days=60)),
        ]
    if name:
        conditions.append(_matches(Certificate.holder_name, name))
    query = select(Certificate).where(*conditions).order_by(Certificate.issued_at.desc())
    count = select(func.count()).select_from(Certificate).where(*conditions)
    rows, total, page, pages = _page(query, count)
    return render_template(
        "lead/certificates.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        status=status,
        q=name,
        today=today,
    )


def _day(name: str) -> date | None:
    """A date filter; one that is not a date in a sensible range is left out, with a message."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    day = sensible_day(value)
    if day is None:
        flash(
            f"“{value[:20]}” is not a date we can search by. Use a date between "
            f"{EARLIEST_DAY:%-d %B %Y} and {LATEST_DAY:%-d %B %Y}; that filter was left out.",
            "error",
        )
    return day


#: a person search matching more people than this finds their events by reading the log in
#: order (so many match that a page fills at once); fewer are looked up by id in the indexes
PEOPLE_LOOKED_UP = 100


def _people_named(typed: str):  # type: ignore[no-untyped-def]
    """The ids of the people whose name or email contains ``typed``: a list when they are a
    few, which the database finds in the indexes on ``audit_event`` (actor, and subject), then
    orders; a subquery when they are many. (A subquery for a few made PostgreSQL read the
    whole log, testing each event against it: 113 ms a page at 500,000 events, 7 ms now.)"""
    named = select(User.id).where(or_(_matches(User.name, typed), _matches(User.email, typed)))
    found = db.session.scalars(named.limit(PEOPLE_LOOKED_UP + 1)).all()
    return found if len(found) <= PEOPLE_LOOKED_UP else named


@bp.route("/audit")
@role_required(Role.LEAD)
def audit_log():  # type: ignore[no-untyped-def]
    person = request.args.get("person", "").strip()
    subject = request.args.get("subject", "")
    subject_id = request.args.get("id", type=database_id)
    start, end = _day("from"), _day("to")
    conditions = []
    if person:
        conditions.append(audit_subjects.about(_people_named(person)))
    if subject in SUBJECTS:
        conditions.append(AuditEvent.subject_type == subject)
    if subject_id:
        conditions.append(AuditEvent.subject_id == subject_id)
    if start:
        conditions.append(AuditEvent.at >= datetime.combine(start, time.min, UTC))
    if end:
        conditions.append(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min, UTC))
    shown = keyset.page(conditions, joinedload(AuditEvent.actor))
    rows = shown.rows
    return render_template(
        "lead/audit.html",
        rows=rows,
        owners=audit_subjects.owners_of(rows),
        shown=shown,
        subjects=SUBJECTS,
        args=request.args,
    )
