"""A cohort's dashboard: one row a trainee, sortable, a page at a time, and the whole table as
CSV; and the cohort at a glance (charts with their tables, who is ready, what expires soon)."""

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


def _cohort_and_track(cohort_id: int) -> tuple[Cohort, Track]:
    cohort = db.get_or_404(Cohort, cohort_id)
    track = content.store().tracks.track(cohort.track_id)
    if track is None:
        abort(404)
    return cohort, track


def _everyone(cohort: Cohort) -> list[User]:
    # Ties in any other order stay in name order.
    return list(
        db.session.scalars(
            select(User).where(User.cohort_id == cohort.id).order_by(func.lower(User.name), User.id)
        )
    )


@bp.route("/cohorts/<int:cohort_id>")
@role_required(Role.LEAD)
def cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    """The table of trainees, a page at a time. Sorted by name (the default), only the page
    shown has its figures worked out, so the page costs the same for a cohort of 20 or 500;
    the charts of the whole cohort are a page of their own (``cohort_charts``)."""
    cohort, track = _cohort_and_track(cohort_id)
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    descending = request.args.get("dir") == "desc"
    today = utcnow().date()
    if request.args.get("format") == "csv":
        return _csv(cohort, sort_rows(rows_for(_everyone(cohort), track, today), sort, descending))
    members = select(User).where(User.cohort_id == cohort.id)
    total = db.session.scalar(select(func.count()).select_from(members.subquery())) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    if sort == "name":
        by_name = func.lower(User.name).desc() if descending else func.lower(User.name)
        shown = members.order_by(by_name, User.id.desc() if descending else User.id)
        page_of = shown.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        rows = rows_for(list(db.session.scalars(page_of)), track, today)
    else:
        every_row = sort_rows(rows_for(_everyone(cohort), track, today), sort, descending)
        rows = every_row[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render_template(
        "lead/cohort.html",
        cohort=cohort,
        track=track,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        sort=sort,
        descending=descending,
        **members_context(cohort),
    )


@bp.route("/cohorts/<int:cohort_id>/charts")
@role_required(Role.LEAD)
def cohort_charts(cohort_id: int):  # type: ignore[no-untyped-def]
    """The whole cohort at a glance: who is ready for a certificate, whose expire soon, how far
    the trainees have got and approved hours week by week. Every trainee's checklist is worked
    out here (in the same few queries however many there are), so it is a page of its own and
    the trainees' table stays fast."""
    cohort, track = _cohort_and_track(cohort_id)
    rows = rows_for(_everyone(cohort), track, utcnow().date())
    weeks = weekly(approved_by_day(cohort.id))
    return render_template(
        "lead/cohort_charts.html",
        cohort=cohort,
        track=track,
        total=len(rows),
        ready=sum(r.can_issue for r in rows),
        expiring=sum(r.expires_in is not None for r in rows),
        reminder_days=window(track),
        **_charts(rows, track, weeks),
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
