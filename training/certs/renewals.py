"""Renewal by continuing education: what renewing a certificate needs (``renewal_status``), the
reminder its holder sees before it expires, and the leads' "Renewals due" page with its CSV.

Reminders by email (60, 30 and 7 days ahead) are written by ``training.mail.schedule_renewals``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from flask import current_app, render_template, request
from sqlalchemy import func, select

from certificates.codes import format_code
from certificates.eligibility import Checklist
from certificates.renewal import (
    CeProgress,
    ce_progress,
    reminder_sentence,
    reminder_window,
    renewal_checklist,
)
from certificates.rulebook import OutsideTraining
from certificates.tracks import Track
from courses.domains import domain_name
from training import content
from training.attestations import services as attestations
from training.auth import role_required
from training.certs import bp
from training.csv_export import csv_download
from training.extensions import db
from training.models import Certificate, QuizAttempt, Role, User, utcnow
from training.outside import services as outside

PAGE_SIZE = 50


def renewal_status(user: User, track: Track, certificate: Certificate) -> Checklist:
    """Every renewal requirement for ``certificate``: the renewal courses passed again since
    it was issued, the attestations signed again since (if the track says so), and the
    continuing-education hours approved and dated within its validity."""
    since = certificate.issued_at
    passed_since = frozenset(
        db.session.scalars(
            select(QuizAttempt.course_id).where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.passed.is_(True),
                QuizAttempt.submitted_at > since,
            )
        )
    )
    titles = {c.id: c.title for c in content.library().courses}
    return renewal_checklist(
        track,
        passed_since,
        titles,
        attestations.signed_since(user.id, track, since),
        outside.approved_ce(user.id),
        certificate.issued_on,
        certificate.expires_on,
    )


def window(track: Track) -> int:
    """Days before expiry from which the holder is reminded (and the lead sees it due)."""
    return reminder_window(track, current_app.config["RENEWAL_REMINDER_DAYS"])


@dataclass(frozen=True)
class Reminder:
    days_left: int
    due: bool
    #: "Your certificate expires on … You have 8 of 20 continuing-education hours (…)." when
    #: due and the track asks for CE; else empty
    sentence: str = ""


def reminder_of(user: User, track: Track, certificate: Certificate, today: date) -> Reminder:
    days_left = (certificate.expires_on - today).days
    due = days_left <= window(track)
    sentence = ""
    if due:
        progress = _progress(track, certificate, outside.approved_ce(user.id))
        if progress.asked:
            sentence = reminder_sentence(certificate.expires_on, today, progress)
    return Reminder(days_left, due, sentence)


def _progress(track: Track, certificate: Certificate, records: list[OutsideTraining]) -> CeProgress:
    return ce_progress(track, records, certificate.issued_on, certificate.expires_on)


# --- the leads' page ---------------------------------------------------------------------------


def largest_window() -> int:
    tracks = content.store().tracks.tracks
    return max([window(t) for t in tracks], default=current_app.config["RENEWAL_REMINDER_DAYS"])


@dataclass(frozen=True)
class DueRow:
    certificate: Certificate
    holder: User
    track: Track | None
    days_left: int
    progress: CeProgress | None


def _due_query(today: date):  # type: ignore[no-untyped-def]
    """Current certificates (neither revoked nor replaced) expiring from today to the end of the
    largest reminder window, soonest first."""
    last = today + timedelta(days=largest_window())
    conditions = (
        Certificate.revoked_at.is_(None),
        Certificate.superseded_at.is_(None),
        Certificate.expires_on.between(today, last),
    )
    return (
        select(Certificate, User)
        .join(User, User.id == Certificate.user_id)
        .where(*conditions)
        .order_by(Certificate.expires_on, Certificate.id),
        select(func.count()).select_from(Certificate).where(*conditions),
    )


def _rows(pairs: list[tuple[Certificate, User]], today: date) -> list[DueRow]:
    """Each certificate with its holder's CE progress (the CE records of all: one query)."""
    records = outside.approved_outside([u.id for _, u in pairs], "ce")
    store = content.store().tracks
    rows = []
    for certificate, holder in pairs:
        track = store.track(certificate.track_id)
        progress = _progress(track, certificate, records[holder.id]) if track else None
        days_left = (certificate.expires_on - today).days
        rows.append(DueRow(certificate, holder, track, days_left, progress))
    return rows


@bp.route("/lead/renewals-due")
@role_required(Role.LEAD)
def renewals_due():  # type: ignore[no-untyped-def]
    today = utcnow().date()
    query, count = _due_query(today)
    total = db.session.scalar(count) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    pairs = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "certs/renewals_due.html",
        rows=_rows([(c, u) for c, u in pairs], today),
        total=total,
        page=page,
        pages=pages,
        days=largest_window(),
    )


def _by_domain_text(progress: CeProgress | None) -> str:
    if progress is None:
        return ""
    return "; ".join(
        f"{d.have:g} of {d.need:g} in {domain_name(d.domain)}" for d in progress.by_domain
    )


def _ce_done(progress: CeProgress | None) -> str:
    if progress is None or not progress.asked:
        return "not asked"
    return "yes" if progress.met else "no"


@bp.route("/lead/renewals-due.csv")
@role_required(Role.LEAD)
def renewals_due_csv():  # type: ignore[no-untyped-def]
    today = utcnow().date()
    query, _ = _due_query(today)
    rows = _rows([(c, u) for c, u in db.session.execute(query).all()], today)
    header = [
        "Holder",
        "Email",
        "Track",
        "Certificate code",
        "Expires on",
        "Days left",
        "CE hours",
        "CE hours needed",
        "CE by domain",
        "CE done",
    ]
    lines = [
        [
            row.certificate.holder_name,
            row.holder.email,
            row.certificate.track_title,
            format_code(row.certificate.code),
            row.certificate.expires_on,
            row.days_left,
            row.progress.have if row.progress else 0,
            row.progress.need if row.progress else 0,
            _by_domain_text(row.progress),
            _ce_done(row.progress),
        ]
        for row in rows
    ]
    return csv_download(f"renewals-due-{today.isoformat()}.csv", header, lines)
