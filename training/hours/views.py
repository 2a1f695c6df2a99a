"""The trainee's hours: log, edit, submit, retract, delete, totals, exports; entry details for
everyone allowed to see them."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from certificates.hours import (
    KINDS,
    METHODS,
    PRACTICE,
    EntryFacts,
    duplicate_warning,
    hours_number,
    identifying_data_warnings,
    validate_entry,
)
from certificates.requirements import hours_progress
from courses.domains import DOMAINS
from training import audit
from training.auth import role_required
from training.csv_export import csv_download
from training.dates import long_date
from training.extensions import db
from training.hours import bp, services, signoffs
from training.hours.forms import ActionForm, EntryForm, ReturnForm, VoidForm
from training.input_checks import database_ids
from training.models import EntryStatus, HoursEntry, Role, utcnow

FIELD_FOR = {
    "day": "day",
    "duration": "hours",
    "kind": "kind",
    "method": "method",
    "domains": "domains",
    "supervisor": "supervisor",
    "notes": "notes",
    "direct_service": "direct_service",
}


def _entry_or_404(entry_id: int) -> HoursEntry:
    entry = db.session.get(HoursEntry, entry_id)
    if entry is None or not services.may_view(current_user, entry):
        abort(404)
    return entry


def _own_entry(entry_id: int) -> HoursEntry:
    entry = db.session.get(HoursEntry, entry_id)
    if entry is None or entry.trainee_id != current_user.id:
        abort(404)
    return entry


@bp.route("/")
@role_required(Role.TRAINEE)
def index():  # type: ignore[no-untyped-def]
    entries = services.entries_of(current_user)
    totals = services.totals_of(entries)
    track = services.track_for(current_user)
    progress = hours_progress(track.hours, totals, track.experience) if track else []
    by_status = {s: [e for e in entries if e.status == s] for s in EntryStatus}
    return render_template(
        "hours/index.html",
        by_status=by_status,
        totals=totals,
        track=track,
        progress=progress,
        supervisors=services.assigned_supervisors(current_user),
        form=ActionForm(),
    )


def _entry_form(entry: HoursEntry | None):  # type: ignore[no-untyped-def]
    form = EntryForm(obj=None)
    supervisors = services.assigned_supervisors(current_user)
    form.supervisor.choices = [
        (s.id, f"{s.name}" + (f" ({s.credential})" if s.credential else "")) for s in supervisors
    ]
    if request.method == "GET" and entry is not None:
        form.day.data = entry.day
        form.hours.data, form.minutes.data = (str(v) for v in divmod(entry.minutes, 60))
        form.kind.data, form.method.data = entry.kind, entry.method
        form.direct_service.data = "yes" if entry.direct_service else "no"
        form.domains.data = list(entry.domains)
        form.supervisor.data = entry.supervisor_id
        form.notes.data = entry.notes
    elif request.method == "GET":
        form.day.data = services.today()
        if len(supervisors) == 1:
            form.supervisor.data = supervisors[0].id
    return form, supervisors


def _edit(entry: HoursEntry | None):  # type: ignore[no-untyped-def]
    form, supervisors = _entry_form(entry)
    warnings: list[str] = []
    identifying: list[str] = []
    if not supervisors:
        flash(
            "You have no supervisor assigned yet, so you can't log hours. Please ask your "
            "program lead to assign one.",
            "info",
        )
    if request.method == "POST":
        form.validate()
        if form.csrf_token.errors:
            abort(400)
        # The hours rules (certificates.hours) give the messages for these fields.
        for name in (
            "hours",
            "minutes",
            "kind",
            "method",
            "domains",
            "supervisor",
            "direct_service",
        ):
            getattr(form, name).errors = []
        facts = EntryFacts(
            day=form.day.data,
            minutes=form.total_minutes,
            kind=form.kind.data or "",
            method=form.method.data or "",
            domains=tuple(form.domains.data or ()),
            supervisor_id=form.supervisor.data if isinstance(form.supervisor.data, int) else None,
            notes=form.notes.data or "",
            direct_service=form.direct_service.data == "yes",
        )
        others = services.others(current_user, entry.id if entry else None)
        errors = validate_entry(
            facts,
            today=services.today(),
            max_age_days=current_app.config["HOURS_MAX_AGE_DAYS"],
            assigned_supervisors=[s.id for s in supervisors],
            others=others,
        )
        if form.day.errors:  # not a date at all: the field's own message says so
            errors.pop("day", None)
        for name, message in errors.items():
            getattr(form, FIELD_FOR[name]).errors = [message]
        if not any(field.errors for field in form):
            duplicate = duplicate_warning(facts, others)
            identifying = identifying_data_warnings(facts.notes)
            warnings = identifying + ([duplicate] if duplicate else [])
            if not warnings or form.confirm.data:
                saved = services.save_entry(current_user, facts, entry)
                if saved.status == EntryStatus.DRAFT:
                    flash("Saved as a draft. Submit it for sign-off when you are ready.", "success")
                else:
                    flash("Saved. Submit it again for sign-off when you are ready.", "success")
                return redirect(url_for(".index"))
    status = 400 if request.method == "POST" and not warnings else 200
    return render_template(
        "hours/edit.html",
        form=form,
        entry=entry,
        warnings=warnings,
        identifying=identifying,
        signed_stays=services.SIGNED_STAYS,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def new():  # type: ignore[no-untyped-def]
    return _edit(None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def edit(entry_id: int):  # type: ignore[no-untyped-def]
    entry = _own_entry(entry_id)
    if not entry.editable:
        flash(
            "Submitted and approved entries can't be changed. Retract a submitted entry first.",
            "error",
        )
        return redirect(url_for(".detail", entry_id=entry.id)), 303
    return _edit(entry)


@bp.route("/submit", methods=["POST"])
@role_required(Role.TRAINEE)
def submit():  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = database_ids(request.form.getlist("entry"))
    if not ids:
        flash("Tick the entries you want to submit first.", "error")
    else:
        outcome = services.submit(current_user, ids)
        count = outcome.count
        if count or not outcome.no_supervisor:
            flash(f"Submitted {count} entr{'y' if count == 1 else 'ies'} for sign-off.", "success")
        for day in outcome.no_supervisor:
            flash(
                f"The entry of {long_date(day)} was not submitted: the supervisor it names "
                "no longer supervises you. Edit it, choose another supervisor, and submit it.",
                "error",
            )
    return redirect(url_for(".index"))


def _one_entry_action(entry_id: int, action, done: str):  # type: ignore[no-untyped-def]
    entry = _own_entry(entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, entry)
    except services.HoursError as error:
        flash(str(error), "error")
        return redirect(url_for(".index")), 303
    flash(done, "success")
    return redirect(url_for(".index"))


@bp.route("/<int:entry_id>/retract", methods=["POST"])
@role_required(Role.TRAINEE)
def retract(entry_id: int):  # type: ignore[no-untyped-def]
    return _one_entry_action(entry_id, services.retract, "Retracted: the entry is a draft again.")


@bp.route("/<int:entry_id>/delete", methods=["POST"])
@role_required(Role.TRAINEE)
def delete(entry_id: int):  # type: ignore[no-untyped-def]
    return _one_entry_action(entry_id, services.delete, "The entry was deleted.")


@bp.route("/<int:entry_id>")
@login_required
def detail(entry_id: int):  # type: ignore[no-untyped-def]
    entry = _entry_or_404(entry_id)
    reviewing = (
        current_user.role == Role.SUPERVISOR
        and entry.status == EntryStatus.SUBMITTED
        and entry.supervisor_id == current_user.id
    )
    return render_template(
        "hours/detail.html",
        entry=entry,
        sign_off_problem=signoffs.qualification_problem(entry.trainee, current_user.credential)
        if reviewing
        else "",
        attestation=signoffs.attestation_of(entry),
        events=audit.history(services.SUBJECT, entry.id),
        form=ActionForm(),
        return_form=ReturnForm(),
        void_form=VoidForm(),
    )


def _approved_entries():  # type: ignore[no-untyped-def]
    return [e for e in services.entries_of(current_user) if e.status == EntryStatus.APPROVED]


@bp.route("/export.csv")
@role_required(Role.TRAINEE)
def export_csv():  # type: ignore[no-untyped-def]
    """Approved hours only, without notes: the minimum needed to show the hours were signed."""
    header = [
        "Date",
        "Kind",
        "Direct service",
        "Method",
        "Hours",
        "Domains",
        "Supervisor",
        "Supervisor credential",
        "Signed at (UTC)",
        "Attestation",
    ]
    rows = []
    for e in sorted(_approved_entries(), key=lambda e: (e.day, e.id)):
        sign = e.sign_off
        signed = (
            [
                sign.supervisor_name,
                sign.supervisor_credential,
                sign.signed_at,
                sign.attestation,
            ]
            if sign
            else ["", "", "", ""]
        )
        rows.append(
            [
                e.day,
                KINDS[e.kind],
                ("Yes" if e.direct_service else "No") if e.kind == PRACTICE else "",
                METHODS[e.method],
                hours_number(e.minutes),
                "; ".join(DOMAINS[d] for d in e.domains),
                *signed,
            ]
        )
    return csv_download("approved-hours.csv", header, rows)


@bp.route("/summary")
@role_required(Role.TRAINEE)
def summary():  # type: ignore[no-untyped-def]
    entries = sorted(_approved_entries(), key=lambda e: (e.day, e.id))
    return render_template(
        "hours/summary.html",
        entries=entries,
        totals=services.totals_of(entries),
        track=services.track_for(current_user),
        attestation=services.ATTESTATION,
        now=utcnow(),
    )
