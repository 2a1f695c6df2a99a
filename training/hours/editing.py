"""The entry form: log new hours, correct a draft or returned entry, or start from a copy of an
entry; save as a draft, or save and submit to the supervisor at once. Without a supervisor
assigned there is no form, only who to ask."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from certificates.hours import (
    EntryFacts,
    OtherEntry,
    duplicate_warning,
    identifying_data_warnings,
    long_date,
    validate_entry,
)
from training.auth import role_required
from training.back import back_to, safe_path
from training.extensions import db
from training.forms import refuse_bad_csrf
from training.hours import bp, guidance, services
from training.hours.forms import EntryForm
from training.input_checks import database_id
from training.models import EntryStatus, HoursEntry, Role, User

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
#: the fields whose messages come from the hours rules (``certificates.hours``), not WTForms
RULED_FIELDS = ("hours", "minutes", "kind", "method", "domains", "supervisor", "direct_service")


def own_entry(entry_id: int) -> HoursEntry:
    """The signed-in trainee's own entry, else 404 (never a hint that someone else's exists)."""
    entry = db.session.get(HoursEntry, entry_id)
    if entry is None or entry.trainee_id != current_user.id:
        abort(404)
    return entry


def _fill(form: EntryForm, entry: HoursEntry) -> None:
    form.day.data = entry.day
    form.hours.data, form.minutes.data = (str(v) for v in divmod(entry.minutes, 60))
    form.kind.data, form.method.data = entry.kind, entry.method
    form.direct_service.data = "yes" if entry.direct_service else "no"
    form.domains.data = list(entry.domains)
    form.supervisor.data = entry.supervisor_id
    form.notes.data = entry.notes


def _entry_form(
    entry: HoursEntry | None, supervisors: list[User], copied: HoursEntry | None = None
) -> EntryForm:
    """The form with the trainee's supervisors to choose from; on GET filled from the entry
    being corrected, or from the one copied (dated today), or dated today."""
    form = EntryForm()
    form.supervisor.choices = [
        (s.id, f"{s.name}" + (f" ({s.credential})" if s.credential else "")) for s in supervisors
    ]
    if request.method != "GET":
        return form
    if entry is not None or copied is not None:
        _fill(form, entry or copied)  # type: ignore[arg-type]
    if entry is None:
        form.day.data = services.today()
        if form.supervisor.data not in {s.id for s in supervisors}:
            form.supervisor.data = supervisors[0].id if len(supervisors) == 1 else None
    return form


def _facts(form: EntryForm) -> EntryFacts:
    return EntryFacts(
        day=form.day.data,
        minutes=form.total_minutes,
        kind=form.kind.data or "",
        method=form.method.data or "",
        domains=tuple(form.domains.data or ()),
        supervisor_id=form.supervisor.data if isinstance(form.supervisor.data, int) else None,
        notes=form.notes.data or "",
        direct_service=form.direct_service.data == "yes",
    )


def _check(
    form: EntryForm, facts: EntryFacts, entry: HoursEntry | None, supervisors: list[User]
) -> list[OtherEntry]:
    """Put the hours rules' messages next to their fields; returns the trainee's other entries
    (for the duplicate warning)."""
    form.validate()
    refuse_bad_csrf(form)
    for name in RULED_FIELDS:
        getattr(form, name).errors = []
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
    return others


def _save(form: EntryForm, facts: EntryFacts, entry: HoursEntry | None) -> None:
    """Save as a draft, or save and submit (the button pressed), and say what happened."""
    if not form.send.data:
        saved = services.save_entry(current_user, facts, entry)
        if saved.status == EntryStatus.DRAFT:
            flash("Saved as a draft. Submit it for sign-off when you are ready.", "success")
        else:
            flash("Saved. Submit it again for sign-off when you are ready.", "success")
        return
    saved, outcome = services.save_and_submit(current_user, facts, entry)
    if outcome.count:
        flash(f"Saved and submitted for sign-off to {saved.supervisor.name}.", "success")
    else:
        flash(
            f"The entry of {long_date(saved.day)} was saved but not submitted: the supervisor "
            "it names no longer supervises you. Edit it, choose another supervisor, and "
            "submit it.",
            "error",
        )


def _edit(entry: HoursEntry | None, copied: HoursEntry | None = None):  # type: ignore[no-untyped-def]
    supervisors = services.assigned_supervisors(current_user)
    if not supervisors:
        # Nothing can be saved without a supervisor to name: no form, only who to ask.
        return render_template(
            "hours/no_supervisor.html", entry=entry, leads=guidance.program_leads()
        ), (400 if request.method == "POST" else 200)
    form = _entry_form(entry, supervisors, copied)
    warnings: list[str] = []
    identifying: list[str] = []
    if request.method == "POST":
        facts = _facts(form)
        others = _check(form, facts, entry, supervisors)
        if not any(field.errors for field in form):
            duplicate = duplicate_warning(facts, others)
            identifying = identifying_data_warnings(facts.notes)
            warnings = identifying + ([duplicate] if duplicate else [])
            if not warnings or form.confirm.data:
                try:
                    _save(form, facts, entry)
                except services.HoursError as refused:  # it changed meanwhile: nothing saved
                    flash(str(refused), "error")
                    where = url_for(".detail", entry_id=entry.id) if entry else url_for(".index")
                    return redirect(where), 303
                return redirect(back_to(url_for(".index")))
    status = 400 if request.method == "POST" and not warnings else 200
    next_page = safe_path(request.args.get("next"))
    return render_template(
        "hours/edit.html",
        form=form,
        entry=entry,
        copied=copied,
        note=guidance.return_note(entry, [s.id for s in supervisors]) if entry else None,
        action=url_for(".new", next=next_page) if copied else None,
        back=next_page or url_for(".index"),
        warnings=warnings,
        identifying=identifying,
        signed_stays=services.SIGNED_STAYS,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def new():  # type: ignore[no-untyped-def]
    return _edit(None, copied=_copied_from())


def _copied_from() -> HoursEntry | None:
    """The entry a posted copy was made from (its form carries the id), so the form that comes
    back with a problem still says so; only the trainee's own entry, else none."""
    entry_id = request.form.get("copied", type=database_id)
    entry = db.session.get(HoursEntry, entry_id) if entry_id else None
    return entry if entry is not None and entry.trainee_id == current_user.id else None


@bp.route("/<int:entry_id>/copy")
@role_required(Role.TRAINEE)
def copy(entry_id: int):  # type: ignore[no-untyped-def]
    """A new-entry form filled in from one of the trainee's entries, dated today; nothing is
    saved until they save it (the form posts to ``new``)."""
    return _edit(None, copied=own_entry(entry_id))


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def edit(entry_id: int):  # type: ignore[no-untyped-def]
    entry = own_entry(entry_id)
    if not entry.editable:
        flash(
            "Submitted and approved entries can't be changed. Retract a submitted entry first.",
            "error",
        )
        return redirect(url_for(".detail", entry_id=entry.id)), 303
    return _edit(entry)
