"""Live training events on the web: a lead schedules, edits, cancels or deletes events and
records attendance; a trainee sees their events and the hours attended; a supervisor sees the
same for the trainees assigned to them. Anyone else's trainee is "not found"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from certificates.live_training import EventFacts, add_hours, validate_event
from training.auth import role_required
from training.events import bp, services
from training.events.forms import EVERYONE, ActionForm, EventForm, TemplateForm
from training.events.models import TrainingEvent
from training.extensions import db
from training.hours.assignments import supervised_trainees
from training.input_checks import database_id
from training.models import Cohort, Role, User
from training.validators import form_problem

PAST_PAGE = 50
UPCOMING_LIMIT = 100


def event_or_404(event_id: int) -> TrainingEvent:
    event = db.session.get(TrainingEvent, event_id)
    if event is None:
        abort(404)
    return event


def _cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(func.lower(Cohort.name))))


# --- the list ----------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    if current_user.role == Role.TRAINEE:
        return redirect(url_for(".mine"))
    if current_user.role == Role.SUPERVISOR:
        trainees = supervised_trainees(current_user)
        attended = services.attended_events([t.id for t in trainees])
        totals = {t.id: add_hours(a.hours for a in attended[t.id]) for t in trainees}
        return render_template("events/supervisor.html", trainees=trainees, totals=totals)
    if current_user.role != Role.LEAD:
        abort(403)
    return _lead_index()


def _lead_index():  # type: ignore[no-untyped-def]
    cohorts = _cohorts()
    chosen = request.args.get("cohort", "")
    conditions = []
    if chosen == "everyone":
        conditions.append(TrainingEvent.cohort_id.is_(None))
    elif chosen:
        try:
            conditions.append(TrainingEvent.cohort_id == database_id(chosen))
        except ValueError:
            chosen = ""
    today = services.today()
    upcoming = list(
        db.session.scalars(
            select(TrainingEvent)
            .where(*conditions, TrainingEvent.day >= today)
            .order_by(TrainingEvent.day, TrainingEvent.id)
            .limit(UPCOMING_LIMIT)
        )
    )
    past_conditions = [*conditions, TrainingEvent.day < today]
    total = (
        db.session.scalar(select(func.count()).select_from(TrainingEvent).where(*past_conditions))
        or 0
    )
    pages = max(1, ceil(total / PAST_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    past = list(
        db.session.scalars(
            select(TrainingEvent)
            .where(*past_conditions)
            .order_by(TrainingEvent.day.desc(), TrainingEvent.id.desc())
            .limit(PAST_PAGE)
            .offset((page - 1) * PAST_PAGE)
        )
    )
    counts = services.attendance_counts([e.id for e in upcoming + past])
    return render_template(
        "events/index.html",
        upcoming=upcoming,
        more_upcoming=len(upcoming) == UPCOMING_LIMIT,
        past=past,
        page=page,
        pages=pages,
        counts=counts,
        no_counts=services.Counts(),
        cohorts=cohorts,
        chosen=chosen,
        today=today,
        range_from=today - timedelta(days=90),
        action_form=ActionForm(),
    )


# --- scheduling and editing --------------------------------------------------------------------


def _offer_cohorts(form: EventForm) -> None:
    form.cohort.choices = [(EVERYONE, "Every trainee")] + [(c.id, c.name) for c in _cohorts()]


def _changes(form: EventForm, fixed_hours: dict[str, float] | None = None):  # type: ignore[no-untyped-def]
    """The event the form describes, or None with every problem shown beside its field.
    ``fixed_hours``: the event's hours, which the form does not offer to change."""
    form.validate()
    if form.csrf_token.errors:
        abort(400)
    hours = fixed_hours if fixed_hours is not None else form.hours_by_domain()
    facts = EventFacts(
        title=form.title.data or "",
        day=form.day.data,
        facilitator=form.facilitator.data or "",
        hours=hours,
    )
    for key, message in validate_event(facts).items():
        if key == "hours":
            form.form_errors.append(message)
        elif not form[key].errors:
            form[key].errors = [*form[key].errors, message]
    if any(f.errors for f in form) or form.form_errors:
        return None
    return services.EventChanges(
        title=form.title.data.strip(),
        day=form.day.data,
        facilitator=form.facilitator.data.strip(),
        location=(form.location.data or "").strip() or None,
        hours={d: float(h) for d, h in hours.items() if h > 0},
        cohort_id=form.cohort.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.LEAD)
def new():  # type: ignore[no-untyped-def]
    form = EventForm()
    _offer_cohorts(form)
    picker = TemplateForm(request.args)
    picker.template.choices = [("", "Enter the hours by hand")] + [
        (services.template_key(track, t), f"{t.title} ({track.title}, {t.total_hours:g} h)")
        for track, t in services.templates()
    ]
    found = services.template_for(request.args.get("template", ""))
    if request.method == "GET":
        form.cohort.data = request.args.get("cohort", EVERYONE, type=int)
        if found:
            _, template = found
            form.template.data = services.template_key(*found)
            form.title.data = template.title
            for domain, field in form.hours_fields():
                hours = template.hours.get(domain)
                field.data = Decimal(str(hours)) if hours else None
    if request.method == "POST":
        changes = _changes(form)
        if changes is not None:
            chosen = services.template_for(form.template.data or "")
            template_id = chosen[1].id if chosen else None
            try:
                event = services.create_event(current_user, changes, template_id)
            except services.EventError as twice:  # a second click on "Schedule"
                flash(str(twice), "info")
                return redirect(url_for(".index")), 303
            flash(f"Scheduled {services.describe(event)}.", "success")
            return redirect(url_for(".index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "events/edit.html", form=form, picker=picker, event=None, hours_fixed=None
    ), status


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.LEAD)
def edit(event_id: int):  # type: ignore[no-untyped-def]
    event = event_or_404(event_id)
    if event.cancelled:
        flash("This event was cancelled, so it can't be changed.", "error")
        return redirect(url_for(".index"))
    form = EventForm()
    _offer_cohorts(form)
    form.submit.label.text = "Save changes"
    hours_fixed = dict(event.hours) if services.has_attendance(event.id) else None
    if request.method == "GET":
        form.title.data, form.day.data = event.title, event.day
        form.facilitator.data, form.location.data = event.facilitator, event.location
        form.cohort.data = event.cohort_id or EVERYONE
        for domain, field in form.hours_fields():
            hours = event.hours.get(domain)
            field.data = Decimal(str(hours)) if hours else None
    else:
        changes = _changes(form, hours_fixed)
        if changes is not None:
            try:
                services.edit_event(current_user, event, changes)
            except services.EventGone as ended:  # by another lead, a moment ago
                flash(str(ended), "error")
                return redirect(url_for(".index")), 303
            except services.EventError as problem:
                form.form_errors.append(str(problem))
            else:
                flash(f"Saved the changes to {services.describe(event)}.", "success")
                return redirect(url_for(".index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "events/edit.html", form=form, picker=None, event=event, hours_fixed=hours_fixed
    ), status


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@role_required(Role.LEAD)
def cancel(event_id: int):  # type: ignore[no-untyped-def]
    return _end(event_id, services.cancel_event, "Cancelled")


@bp.route("/<int:event_id>/delete", methods=["POST"])
@role_required(Role.LEAD)
def delete(event_id: int):  # type: ignore[no-untyped-def]
    return _end(event_id, services.delete_event, "Deleted")


def _end(event_id: int, change, done: str):  # type: ignore[no-untyped-def]
    event = event_or_404(event_id)
    problem = form_problem(ActionForm())
    if problem is None:
        described = services.describe(event)
        try:
            change(current_user, event)
        except services.EventError as refused:
            problem = str(refused)
        else:
            flash(f"{done} {described}.", "success")
    if problem:
        flash(problem, "error")
    return redirect(url_for(".index"))


# --- what trainees and their supervisors see ---------------------------------------------------


@bp.route("/mine")
@role_required(Role.TRAINEE)
def mine():  # type: ignore[no-untyped-def]
    return _trainee_page(current_user)


@bp.route("/trainees/<int:user_id>")
@role_required(Role.SUPERVISOR, Role.LEAD, Role.TRAINEE)
def trainee(user_id: int):  # type: ignore[no-untyped-def]
    person = db.session.get(User, user_id)
    if person is None or not services.may_see_trainee(current_user, person):
        abort(404)
    return _trainee_page(person)


def _trainee_page(person: User):  # type: ignore[no-untyped-def]
    attended = services.attendance_of(person.id)
    total = add_hours(a.hours for a in attended if a.counts)
    return render_template(
        "events/trainee.html",
        person=person,
        own=person.id == current_user.id,
        upcoming=services.upcoming_for(person),
        attended=attended,
        total=total,
        total_hours=sum(total.values()),
    )


from training.events import attendance_views  # noqa: E402,F401  (the attendance sheet and CSVs)
