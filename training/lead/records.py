"""The certificates register and the audit log: every record, filterable, a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from math import ceil
from typing import cast

from flask import render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from training import limits
from training.auth import role_required
from training.extensions import db
from training.hours.filters import read_filter
from training.hours.forms import PeriodForm
from training.input_checks import database_id
from training.lead import audit_subjects, bp, keyset
from training.models import AuditEvent, Certificate, Role, User, utcnow
from training.validators import at_most

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
    "signing_key": "Signing key",
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


class AuditFilterForm(PeriodForm):
    """The audit log's filters (a GET form): a person, what the events are about, a period.
    What cannot be used gets a message next to its box, keeps what was typed, and is left
    out (``read_filter``, as on the hours pages)."""

    person = StringField(
        "Person (name or email)",
        validators=[Optional(), at_most(limits.SEARCH)],
        description="What they did, and what was done about them or their hours, "
        "certificates and other records.",
    )
    subject = SelectField(
        "About",
        choices=[SelectChoice("", "Anything")] + [SelectChoice(k, v) for k, v in SUBJECTS.items()],
        validators=[Optional()],
        invalid_choice_message="Choose what the events are about from the list.",
    )


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
    typed, period = read_filter(AuditFilterForm)
    form = cast(AuditFilterForm, typed)
    person = "" if form.person.errors else (form.person.data or "").strip()
    subject = "" if form.subject.errors else form.subject.data
    subject_id = request.args.get("id", type=database_id)
    start, end = period.start, period.end
    conditions = []
    if person:
        conditions.append(audit_subjects.about(_people_named(person)))
    if subject:
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
        form=form,
    ), (400 if any(field.errors for field in form) else 200)
