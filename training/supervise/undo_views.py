"""Undoing a mistaken approval: a page that says what will happen, then the change
(``training.supervise.undo``), back to the page the supervisor came from."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth import role_required
from training.back import back_to
from training.hours.forms import ActionForm
from training.hours.services import HoursError
from training.models import HoursEntry, Role
from training.supervise import bp, undo


def _entry(entry_id: int) -> HoursEntry:
    entry = undo.own_entry(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.route("/<int:entry_id>/undo", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def undo_approval(entry_id: int):  # type: ignore[no-untyped-def]
    """GET: what undoing will do, and until when it can; POST: undo it."""
    entry = _entry(entry_id)
    history = url_for(".history")
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            undo.undo(current_user, entry)
        except HoursError as error:
            flash(str(error), "error")
            return redirect(back_to(history), 303)
        flash(
            f"Your approval of {entry.trainee.name}'s entry is undone: it is waiting in your "
            "queue again.",
            "success",
        )
        return redirect(back_to(history), 303)
    try:
        undoable = undo.check(current_user, entry)
    except HoursError as error:
        flash(str(error), "error")
        return redirect(back_to(history))
    return render_template(
        "supervise/undo.html",
        entry=entry,
        undoable=undoable,
        cancel_url=back_to(history),
        next=back_to(""),
    )
