"""Cohorts: create them, add trainees, assign supervisors, and follow progress on a dashboard."""

from __future__ import annotations

from datetime import date
from math import ceil

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select, update
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from certificates.hours import hours_number
from training import audit, limits
from training.auth import role_required
from training.csv_export import csv_download
from training.extensions import db
from training.forms import Form
from training.hours import services as hours_services
from training.input_checks import database_id
from training.lead import bp
from training.lead.dashboard import PAGE_SIZE, SORTS, rows_for, sort_rows
from training.lead.forms import TRAINEES_AT_ONCE, AddTraineesForm
from training.models import Certificate, Cohort, Role, User, utcnow
from training.validators import at_most, sensible_date


class CohortForm(Form):
    name = StringField(
        "Cohort name",
        validators=[DataRequired(message="Give the cohort a name."), at_most(limits.NAME)],
    )
    start_date = DateField(
        "Start date", validators=[InputRequired(message="Enter the start date."), sensible_date]
    )
    track = SelectField("Certification track", choices=[])
    submit = SubmitField("Create cohort")


class CohortSupervisorForm(Form):
    supervisor = SelectField("Supervisor for every trainee in the cohort", coerce=int, choices=[])
    submit = SubmitField("Assign to the whole cohort")


def _tracks():  # type: ignore[no-untyped-def]
    from training import content

    return content.store().tracks.tracks


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(Role.LEAD)
def cohorts():  # type: ignore[no-untyped-def]
    form = CohortForm()
    form.track.choices = [(t.id, t.title) for t in _tracks()]
    if form.validate_on_submit():
        if db.session.scalar(
            select(Cohort).where(func.lower(Cohort.name) == form.name.data.strip().lower())
        ):
            form.name.errors.append("A cohort with this name already exists.")
        else:
            cohort = Cohort(
                name=form.name.data.strip(),
                start_date=form.start_date.data,
                track_id=form.track.data,
            )
            db.session.add(cohort)
            db.session.flush()
            audit.record(current_user, "cohort", cohort.id, "created", comment=cohort.name)
            db.session.commit()
            flash(f"Created the cohort {cohort.name}.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    counts = dict(
        db.session.execute(
            select(User.cohort_id, func.count())
            .where(User.cohort_id.is_not(None))
            .group_by(User.cohort_id)
        ).all()
    )
    all_cohorts = db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc())).all()
    status = 400 if form.errors else 200
    return render_template(
        "lead/cohorts.html", cohorts=all_cohorts, counts=counts, form=form
    ), status


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


@bp.route("/cohorts/<int:cohort_id>")
@role_required(Role.LEAD)
def cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    track = next((t for t in _tracks() if t.id == cohort.track_id), None)
    if track is None:
        abort(404)
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    descending = request.args.get("dir") == "desc"
    members = select(User).where(User.cohort_id == cohort.id)
    # Ties in any other order stay in name order.
    everyone = members.order_by(func.lower(User.name), User.id)
    today = utcnow().date()
    if request.args.get("format") == "csv":
        rows = rows_for(list(db.session.scalars(everyone)), track, today)
        return _csv(cohort, sort_rows(rows, sort, descending))
    total = db.session.scalar(
        select(func.count()).select_from(User).where(User.cohort_id == cohort.id)
    )
    pages = max(1, ceil((total or 0) / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    if sort == "name":
        # The database sorts by name: only the page shown needs its figures worked out.
        by_name = func.lower(User.name).desc() if descending else func.lower(User.name)
        shown = members.order_by(by_name, User.id.desc() if descending else User.id)
        page_of = shown.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        rows = rows_for(list(db.session.scalars(page_of)), track, today)
    else:
        rows = sort_rows(
            rows_for(list(db.session.scalars(everyone)), track, today), sort, descending
        )
        rows = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    find = _search_words()
    addable, more = _addable(find)
    add_form = AddTraineesForm()
    add_form.trainees.choices = [(u.id, f"{u.name} ({u.email})") for u in addable]
    supervisor_form = CohortSupervisorForm()
    supervisor_form.supervisor.choices = _choices(*_ACTIVE_SUPERVISORS)
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
        add_form=add_form,
        find=find,
        more=more,
        supervisor_form=supervisor_form,
    )


def _csv(cohort: Cohort, rows: list) -> Response:  # type: ignore[type-arg]
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


#: who the forms offer, and so the only people they accept: active trainees in no cohort yet,
#: and active supervisors
_WITHOUT_A_COHORT = (User.role == Role.TRAINEE, User.cohort_id.is_(None), User.active.is_(True))
_ACTIVE_SUPERVISORS = (User.role == Role.SUPERVISOR, User.active.is_(True))


def _search_words() -> str:
    """What the lead searched trainees to add by; too long a search is left out, with a
    message."""
    find = request.args.get("find", "").strip()
    if len(find) > limits.SEARCH:
        flash(
            f"Search for trainees with at most {limits.SEARCH} characters of their name or "
            "email; that search was left out.",
            "error",
        )
        return ""
    return find


def _addable(find: str) -> tuple[list[User], bool]:
    """The first ``TRAINEES_AT_ONCE`` trainees who may be added (by name), whose name or email
    holds ``find``; and whether more match."""
    conditions = list(_WITHOUT_A_COHORT)
    if find:
        words = find.lower()
        conditions.append(
            or_(
                func.lower(User.name).contains(words, autoescape=True),
                func.lower(User.email).contains(words, autoescape=True),
            )
        )
    people = db.session.scalars(
        select(User)
        .where(*conditions)
        .order_by(func.lower(User.name), User.id)
        .limit(TRAINEES_AT_ONCE + 1)
    ).all()
    return list(people[:TRAINEES_AT_ONCE]), len(people) > TRAINEES_AT_ONCE


def _choices(*conditions) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    people = select(User).where(*conditions).order_by(User.name, User.id)
    return [(u.id, u.name) for u in db.session.scalars(people)]


def _refused(form: Form, cohort: Cohort, message: str):  # type: ignore[no-untyped-def]
    """A form that did not validate: 400 for a missing CSRF token, else the message."""
    if form.csrf_token.errors:
        abort(400)
    flash(message, "error")
    return redirect(url_for(".cohort", cohort_id=cohort.id)), 303


@bp.route("/cohorts/<int:cohort_id>/trainees", methods=["POST"])
@role_required(Role.LEAD)
def add_trainees(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    form = AddTraineesForm()
    if not form.validate_on_submit() or not form.trainees.data:
        return _refused(form, cohort, "Choose trainees from the list.")
    chosen = set(form.trainees.data)
    if len(chosen) > TRAINEES_AT_ONCE:
        return _refused(form, cohort, f"Add at most {TRAINEES_AT_ONCE} trainees at a time.")
    # Only people the form could offer, all of them or none (one query, not a list of all).
    allowed = db.session.scalars(select(User.id).where(User.id.in_(chosen), *_WITHOUT_A_COHORT))
    if set(allowed) != chosen:
        return _refused(form, cohort, "Choose trainees from the list.")
    # Still without a cohort at the moment of writing: another lead adding the same trainee to
    # another cohort at once leaves them in one cohort, not moved from it.
    moved = db.session.scalars(
        update(User)
        .where(User.id.in_(chosen), *_WITHOUT_A_COHORT)
        .values(cohort_id=cohort.id)
        .returning(User.id),
        execution_options={"synchronize_session": False},
    ).all()
    for user_id in sorted(moved):
        audit.record(current_user, "user", user_id, "added to cohort", comment=cohort.name)
    added = len(moved)
    db.session.commit()
    flash(f"Added {added} trainee{'s' if added != 1 else ''} to {cohort.name}.", "success")
    return redirect(url_for(".cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/supervisor", methods=["POST"])
@role_required(Role.LEAD)
def cohort_supervisor(cohort_id: int):  # type: ignore[no-untyped-def]
    cohort = _cohort(cohort_id)
    form = CohortSupervisorForm()
    form.supervisor.choices = _choices(*_ACTIVE_SUPERVISORS)
    if not form.validate_on_submit():
        return _refused(form, cohort, "Choose a supervisor from the list.")
    supervisor = db.session.get(User, form.supervisor.data)
    # The cohort's trainees: a member who has since become a supervisor is not among them, and
    # nobody is made their own supervisor.
    trainees = list(
        db.session.scalars(
            select(User).where(
                User.cohort_id == cohort.id,
                User.role == Role.TRAINEE,
                User.id != supervisor.id,
            )
        )
    )
    newly = sum(hours_services.assign(current_user, t, supervisor) for t in trainees)
    flash(
        f"{supervisor.name} now supervises everyone in {cohort.name} ({newly} newly assigned).",
        "success",
    )
    return redirect(url_for(".cohort", cohort_id=cohort.id))


@bp.route("/quizzes")
@role_required(Role.LEAD)
def quiz_statistics():  # type: ignore[no-untyped-def]
    """Per course: attempts, pass rate and the questions most often missed, so leads can see
    where the material or the questions need work. Optionally for one cohort."""
    from training.lead.attempts import out_of_attempts
    from training.lead.quiz_stats import statistics

    cohort = db.session.get(Cohort, request.args.get("cohort", type=database_id) or 0)
    if cohort is None and request.args.get("cohort"):
        flash(
            "That cohort does not exist (it may have been a mistyped link), so these are the "
            "statistics for every trainee.",
            "error",
        )
    return render_template(
        "lead/quizzes.html",
        courses=statistics(cohort),
        cohort=cohort,
        stuck=out_of_attempts(cohort),
    )
