"""The attendance sheet of an event (one row per trainee, saved in one submit) and the lead's
CSV exports: one event's attendance, and every attendance in a date range."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from certificates.live_training import (
    PARTIAL,
    STATUSES,
    hours_attended,
    minutes_attended,
    validate_attendance,
)
from courses.domains import DOMAINS
from training import limits
from training.auth import role_required
from training.csv_export import Cell, csv_download
from training.events import attendance, bp, services
from training.events.forms import MINUTES_CHARACTERS, ActionForm
from training.events.models import EventAttendance, TrainingEvent
from training.events.views import event_or_404
from training.extensions import db
from training.input_checks import database_ids, sensible_day
from training.models import Cohort, Role, User

#: the longest date range one CSV of attendance covers
RANGE_DAYS = 3 * 366


@bp.route("/<int:event_id>/attendance", methods=["GET", "POST"])
@role_required(Role.LEAD)
def sheet(event_id: int):  # type: ignore[no-untyped-def]
    event = event_or_404(event_id)
    form = ActionForm()
    search = request.values.get("q", "").strip()[: limits.SEARCH]
    page = request.values.get("page", 1, type=int)
    chosen: dict[int, tuple[str, str]] = {}
    problems: dict[int, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ids = database_ids(request.form.getlist("trainee"))[: attendance.ROSTER_PAGE]
        wanted, chosen, problems = _read_rows(event, ids)
        if not problems:
            try:
                changed = attendance.save_attendance(current_user, event, wanted)
            except services.EventGone as ended:  # by another lead, a moment ago
                flash(str(ended), "error")
                return redirect(url_for(".index")), 303
            except services.EventError as refused:
                flash(str(refused), "error")
            else:
                flash(_saved_words(changed), "success")
                return redirect(url_for(".sheet", event_id=event.id, q=search or None, page=page))
    roster = attendance.roster(event, search, page)
    status = 400 if problems else 200
    return render_template(
        "events/attendance.html",
        event=event,
        roster=roster,
        search=search,
        chosen=chosen,
        problems=problems,
        form=form,
        may_record=not event.cancelled and event.day <= services.today(),
        minutes_characters=MINUTES_CHARACTERS,
    ), status


def _read_rows(event: TrainingEvent, ids: list[int]):  # type: ignore[no-untyped-def]
    """Each row as sent: what to save (trainee id -> status, minutes), what was chosen (kept to
    show again) and each row's problem."""
    wanted: dict[int, tuple[str, int | None]] = {}
    chosen: dict[int, tuple[str, str]] = {}
    problems: dict[int, str] = {}
    for trainee_id in ids:
        status = request.form.get(f"status-{trainee_id}", "")
        typed = request.form.get(f"minutes-{trainee_id}", "").strip()
        chosen[trainee_id] = (status, typed[:MINUTES_CHARACTERS])
        if not status:
            continue  # not recorded yet, and left so
        minutes = int(typed) if typed.isascii() and typed.isdigit() else None
        if status == PARTIAL and typed and (minutes is None or len(typed) > MINUTES_CHARACTERS):
            problems[trainee_id] = "Enter the minutes as a whole number, for example 90."
            continue
        errors = validate_attendance(status, minutes, event.minutes)
        if errors:
            problems[trainee_id] = next(iter(errors.values()))
        else:
            wanted[trainee_id] = (status, minutes if status == PARTIAL else None)
    return wanted, chosen, problems


def _saved_words(changed: int) -> str:
    if not changed:
        return "Nothing had changed, so nothing new was saved."
    return f"Saved: {changed} attendance record{'s' if changed != 1 else ''} changed."


# --- CSV exports -------------------------------------------------------------------------------

DOMAIN_COLUMNS = [f"{name} (hours)" for name in DOMAINS.values()]


def _figures(event: TrainingEvent, row: EventAttendance) -> list[Cell]:
    """Attendance, minutes attended, the hours by domain, and their total."""
    hours = hours_attended(row.status, row.minutes, event.hours)
    return [
        STATUSES.get(row.status, row.status),
        minutes_attended(row.status, row.minutes, event.minutes),
        *(hours.get(d, 0.0) for d in DOMAINS),
        sum(hours.values()),
    ]


@bp.route("/<int:event_id>/attendance.csv")
@role_required(Role.LEAD)
def event_csv(event_id: int):  # type: ignore[no-untyped-def]
    event = event_or_404(event_id)
    rows = db.session.execute(
        select(User, EventAttendance)
        .join(EventAttendance, EventAttendance.trainee_id == User.id)
        .where(EventAttendance.event_id == event.id)
        .order_by(func.lower(User.name), User.id)
    ).all()
    header = ["Name", "Email", "Attendance", "Minutes attended", *DOMAIN_COLUMNS, "Total hours"]
    return csv_download(
        f"attendance-{event.day.isoformat()}-{event.title}.csv",
        header,
        ([user.name, user.email, *_figures(event, row)] for user, row in rows),
    )


@bp.route("/attendance.csv")
@role_required(Role.LEAD)
def range_csv():  # type: ignore[no-untyped-def]
    start = sensible_day(request.args.get("from", ""))
    end = sensible_day(request.args.get("to", ""))
    problem = None
    if start is None or end is None:
        problem = "Enter both dates of the range to download."
    elif start > end:
        problem = "The first date of the range must come before the last."
    elif end - start > timedelta(days=RANGE_DAYS):
        problem = "Download at most three years of attendance at a time."
    if problem:
        flash(problem, "error")
        return redirect(url_for(".index"))
    assert start is not None and end is not None
    rows = db.session.execute(
        select(TrainingEvent, Cohort.name, User, EventAttendance)
        .join(EventAttendance, EventAttendance.event_id == TrainingEvent.id)
        .join(User, User.id == EventAttendance.trainee_id)
        .outerjoin(Cohort, Cohort.id == TrainingEvent.cohort_id)
        .where(TrainingEvent.day >= start, TrainingEvent.day <= end)
        .order_by(TrainingEvent.day, TrainingEvent.id, func.lower(User.name), User.id)
    ).all()
    header = [
        "Date",
        "Event",
        "Facilitator",
        "For",
        "Name",
        "Email",
        "Attendance",
        "Minutes attended",
        *DOMAIN_COLUMNS,
        "Total hours",
    ]
    return csv_download(
        f"attendance-{start.isoformat()}-to-{end.isoformat()}.csv",
        header,
        (
            [
                event.day,
                event.title,
                event.facilitator,
                cohort or "Every trainee",
                user.name,
                user.email,
                *_figures(event, row),
            ]
            for event, cohort, user, row in rows
        ),
    )
