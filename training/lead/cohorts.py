"""Cohorts: create them, add trainees, assign supervisors, and follow progress on a dashboard."""

from __future__ import annotations

from datetime import date
from math import ceil

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select, update
from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField
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


class AddTraineesForm(Form):
    trainees = SelectMultipleField("Trainees to add", coerce=int, choices=[])
    submit = SubmitField("Add to the cohort")


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
    add_form = AddTraineesForm()
    add_form.trainees.choices = _choices(*_WITHOUT_A_COHORT)
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
    form.trainees.choices = _choices(*_WITHOUT_A_COHORT)
    if not form.validate_on_submit():
        return _refused(form, cohort, "Choose trainees from the list.")
    added = 0
    for user_id in form.trainees.data:
        # Still without a cohort at the moment of writing: another lead adding the same trainee
        # to another cohort at once leaves them in one cohort, not moved from it.
        moved = db.session.execute(
            update(User).where(User.id == user_id, *_WITHOUT_A_COHORT).values(cohort_id=cohort.id),
            execution_options={"synchronize_session": False},
        )
        if moved.rowcount == 1:  # type: ignore[attr-defined]
            audit.record(current_user, "user", user_id, "added to cohort", comment=cohort.name)
            added += 1
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
    from collections import Counter

    from training import content
    from training.models import AttemptStatus, QuizAttempt

    cohort = db.session.get(Cohort, request.args.get("cohort", type=database_id) or 0)
    query = select(
        QuizAttempt.course_id, QuizAttempt.passed, QuizAttempt.question_ids, QuizAttempt.correct_ids
    ).where(QuizAttempt.status == AttemptStatus.FINISHED)
    if cohort is not None:
        query = query.join(User, User.id == QuizAttempt.user_id).where(User.cohort_id == cohort.id)
    stats: dict[str, dict] = {}  # type: ignore[type-arg]
    for course_id, passed, drawn, correct in db.session.execute(query):
        entry = stats.setdefault(
            course_id, {"attempts": 0, "passed": 0, "shown": Counter(), "missed": Counter()}
        )
        entry["attempts"] += 1
        entry["passed"] += bool(passed)
        entry["shown"].update(drawn)
        entry["missed"].update(set(drawn) - set(correct or []))
    courses = []
    for course in content.library().courses:
        entry = stats.get(course.id)
        if entry is None:
            courses.append({"course": course, "attempts": 0})
            continue
        missed = [
            (course.quiz.question(qid), count, count / entry["shown"][qid])
            for qid, count in entry["missed"].most_common(3)
            if course.quiz.question(qid) is not None
        ]
        courses.append(
            {
                "course": course,
                "attempts": entry["attempts"],
                "pass_rate": entry["passed"] / entry["attempts"],
                "missed": missed,
            }
        )
    from training.lead.attempts import out_of_attempts

    return render_template(
        "lead/quizzes.html", courses=courses, cohort=cohort, stuck=out_of_attempts(cohort)
    )
