"""A cohort's dashboard: how far its trainees have got (charts with their tables), then one row
a trainee, sortable, a page at a time, and the whole table as CSV."""

from __future__ import annotations

from datetime import date
from math import ceil

from flask import Response, abort, render_template, request
from sqlalchemy import func, select

from certificates.hours import hours_number
from certificates.tracks import Track
from training import charts, content
from training.auth import role_required
from training.certs.renewals import window
from training.csv_export import csv_download
from training.extensions import db
from training.lead import bp
from training.lead.cohort_members import members_context
from training.lead.cohort_progress import Step, Week, approved_by_day, steps, weekly
from training.lead.dashboard import PAGE_SIZE, SORTS, Row, rows_for, sort_rows
from training.models import Certificate, Cohort, Role, User, utcnow


@bp.route("/cohorts/<int:cohort_id>")
@role_required(Role.LEAD)
def cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = db.get_or_404(Cohort, cohort_id)
    track = content.store().tracks.track(cohort.track_id)
    if track is None:
        abort(404)
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    descending = request.args.get("dir") == "desc"
    # Ties in any other order stay in name order.
    everyone = (
        select(User).where(User.cohort_id == cohort.id).order_by(func.lower(User.name), User.id)
    )
    # Every trainee's figures, not only the page's: the charts count the whole cohort (the
    # queries are the same few however many trainees there are).
    rows = sort_rows(
        rows_for(list(db.session.scalars(everyone)), track, utcnow().date()), sort, descending
    )
    if request.args.get("format") == "csv":
        return _csv(cohort, rows)
    pages = max(1, ceil(len(rows) / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    weeks = weekly(approved_by_day(cohort.id))
    return render_template(
        "lead/cohort.html",
        cohort=cohort,
        track=track,
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(rows),
        page=page,
        pages=pages,
        sort=sort,
        descending=descending,
        ready=sum(r.can_issue for r in rows),
        expiring=sum(r.expires_in is not None for r in rows),
        reminder_days=window(track),
        **_charts(rows, track, weeks),
        **members_context(cohort),
    )


def _charts(rows: list[Row], track: Track, weeks: list[Week]) -> dict[str, object]:
    """The two charts of the cohort and the numbers under them."""
    reached: list[Step] = steps(rows, track)
    return {
        "steps": reached,
        "steps_chart": charts.horizontal_bar_chart(
            [(s.name, s.trainees) for s in reached], maximum=len(rows)
        ),
        "weeks": weeks,
        "hours_chart": charts.line_chart(
            [(_week_label(w.start), hours_number(w.running)) for w in weeks]
        ),
    }


def _week_label(monday: date) -> str:
    return f"{monday.day} {monday:%b %Y}"


def _csv(cohort: Cohort, rows: list[Row]) -> Response:
    # Counts go in columns of their own: "3/5" would turn into a date in Excel.
    header = [
        "Name",
        "Courses completed",
        "Courses in the track",
        "Average best quiz score (%)",
        "Approved practice hours",
        "Approved supervision hours",
        "Practice exercises accepted",
        "Practice exercises waiting",
        "Practice exercises returned",
        "Practice exercises not started",
        "Practice exercises in the track",
        "Requirements met",
        "Requirements in total",
        "Eligible",
        "Certificate",
        "Expires",
    ]
    lines = [
        [
            r.user.name,
            r.courses_done,
            r.courses_total,
            round(r.average_score),
            hours_number(r.practice_minutes),
            hours_number(r.supervision_minutes),
            r.exercises.accepted,
            r.exercises.waiting,
            r.exercises.returned,
            r.exercises.not_started,
            r.exercises.total,
            r.met,
            len(r.checklist.items),
            "yes" if r.checklist.eligible else "no",
            r.certificate_status,
            _current_expiry(r.certificate, r.certificate_status),
        ]
        for r in rows
    ]
    name = "".join(c if c.isalnum() else "-" for c in cohort.name.lower())
    return csv_download(f"cohort-{name}.csv", header, lines)


def _current_expiry(certificate: Certificate | None, status: str) -> date | None:
    """The expiry of a certificate that is (or was until it expired) current: a revoked or
    replaced one has none, so no date next to it can be read as "valid until"."""
    if certificate is None or status not in ("valid", "expired"):
        return None
    return certificate.expires_on
