"""The trainee's hours list (what came back and the drafts first, then progress and totals,
then what waits and what was approved, filtered by period and status), submitting and
retracting; entry details for everyone allowed to see them. The entry form is in ``editing``,
deleting in ``deleting``, the CSV and the printable summary in ``exports``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from certificates.requirements import hours_progress
from training import audit
from training.auth import role_required
from training.back import back_to
from training.dates import long_date
from training.extensions import db
from training.hours import bp, guidance, services, signoffs
from training.hours.editing import own_entry
from training.hours.filters import read_filter
from training.hours.forms import ActionForm, ReturnForm
from training.input_checks import database_ids
from training.models import EntryStatus, HoursEntry, Role


def _entry_or_404(entry_id: int) -> HoursEntry:
    entry = db.session.get(HoursEntry, entry_id)
    if entry is None or not services.may_view(current_user, entry):
        abort(404)
    return entry


@bp.route("/")
@role_required(Role.TRAINEE)
def index():  # type: ignore[no-untyped-def]
    entries = services.entries_of(current_user)
    totals = services.totals_of(entries)  # of every entry: the filter only narrows the lists
    track = services.track_for(current_user)
    progress = hours_progress(track.hours, totals, track.experience) if track else []
    filter_form, chosen = read_filter()
    shown = chosen.apply(entries)
    by_status = {s: [e for e in shown if e.status == s] for s in EntryStatus}
    supervisors = services.assigned_supervisors(current_user)
    supervisor_ids = [s.id for s in supervisors]
    return render_template(
        "hours/index.html",
        any_entries=bool(entries),
        by_status=by_status,
        notes={e.id: guidance.return_note(e, supervisor_ids) for e in by_status["returned"]},
        totals=totals,
        track=track,
        progress=progress,
        supervisors=supervisors,
        leads=[] if supervisors else guidance.program_leads(),
        filter_form=filter_form,
        chosen=chosen,
        form=ActionForm(),
    ), (400 if any(field.errors for field in filter_form) else 200)


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
    return redirect(back_to(url_for(".index")))


def _one_entry_action(entry_id: int, action, done: str):  # type: ignore[no-untyped-def]
    entry = own_entry(entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, entry)
    except services.HoursError as error:
        flash(str(error), "error")
        return redirect(back_to(url_for(".index"))), 303
    flash(done, "success")
    return redirect(back_to(url_for(".index")))


@bp.route("/<int:entry_id>/retract", methods=["POST"])
@role_required(Role.TRAINEE)
def retract(entry_id: int):  # type: ignore[no-untyped-def]
    return _one_entry_action(entry_id, services.retract, "Retracted: the entry is a draft again.")


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
        withdrawn=guidance.withdrawn_sign_off(entry),
        events=audit.history(services.SUBJECT, entry.id),
        form=ActionForm(),
        return_form=ReturnForm(),
    )
