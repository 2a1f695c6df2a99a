"""Supervisors approve (with an attestation) or return their own trainees' submitted hours,
one entry or several at once; one returned entry never sends back the others.

The queue is one form: its ticks, the attestation box and each entry's return comment. When
something is missing (the attestation, a comment) the queue comes back as the person left
it, with the problem next to where it is (a 400); when nothing could be approved it comes back
as they left it too, with why. Once something was done, the answer is a redirect (303) to the
queue, at the same page with the other ticks kept, the confirmation flashed there, so
refreshing the page never posts the form again. The approve and return addresses also serve
an entry's own page (``hours/detail.html``), which is sent back to with a message."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from training.auth import role_required
from training.back import back_to
from training.extensions import db
from training.forms import submitted
from training.hours import services, signoffs
from training.hours.forms import ActionForm, ReturnForm
from training.input_checks import database_ids
from training.models import HoursEntry, Role
from training.supervise import bp, undo
from training.supervise.queue import (
    from_queue,
    queue_address,
    render_queue,
    return_form,
    state_from_request,
    typed_beside_others,
)
from training.validators import form_problem

NOTHING_TICKED = "Tick the entries you want to approve first."
NOT_ATTESTED = "To approve, tick the box to attest that the hours took place as described."
NO_COMMENT = "Write a comment so the trainee knows what to correct."


@bp.route("/")
@role_required(Role.SUPERVISOR)
def queue():  # type: ignore[no-untyped-def]
    """The waiting entries, grouped by trainee; ``entry`` in the address keeps ticks."""
    return render_queue(state_from_request())


@bp.route("/select", methods=["POST"])
@role_required(Role.SUPERVISOR)
def select_all():  # type: ignore[no-untyped-def]
    """ "Select all" without JavaScript: the queue again, every entry of the page ticked (or
    none), with the comments typed so far."""
    submitted(ActionForm())  # CSRF only: a missing or wrong token is a 400
    state = state_from_request()
    if request.form.get("select") == "none":
        state.ticked = set()
    else:
        state.tick_all = True
    return render_queue(state)


@bp.route("/approve", methods=["POST"])
@role_required(Role.SUPERVISOR)
def approve():  # type: ignore[no-untyped-def]
    submitted(ActionForm())  # CSRF only: a missing or wrong token is a 400
    ids = database_ids(request.form.getlist("entry"))
    problem = NOTHING_TICKED if not ids else ""
    if ids and request.form.get("attest") != "yes":
        problem = NOT_ATTESTED
    if problem and from_queue():
        state = state_from_request()
        if ids:
            state.attest_error = problem
        else:
            state.tick_error = problem
        return render_queue(state, 400)
    if problem:  # from an entry's own page: back there, with the message
        flash(problem, "error")
        if len(ids) == 1:
            return redirect(url_for("hours.detail", entry_id=ids[0]))
        return redirect(url_for(".queue"))
    outcome = signoffs.approve(current_user, ids)
    for message in outcome.problems or []:
        flash(message, "error")
    if outcome.done:
        undoing = (
            f" If that was a mistake, you can undo it for the next {undo.minutes_words()} "
            "(under “Just approved”)."
            if undo.enabled()
            else ""
        )
        entries = f"{outcome.done} entr{'y' if outcome.done == 1 else 'ies'}"
        flash(f"Approved {entries}.{undoing}", "success")
        _auto_issue(ids)
    if not from_queue():
        return redirect(url_for(".queue"), 303)
    state = state_from_request()
    state.ticked -= set(ids)
    if not outcome.done or typed_beside_others(set(ids)):
        return render_queue(state)  # the queue as it was left, comments typed and all
    return redirect(queue_address(state), 303)


@bp.route("/<int:entry_id>/return", methods=["POST"])
@role_required(Role.SUPERVISOR)
def return_entry(entry_id: int):  # type: ignore[no-untyped-def]
    if from_queue():
        return _return_from_queue(entry_id)
    form = ReturnForm()
    try:
        if problem := form_problem(form):  # e.g. a reason over its length limit
            raise services.HoursError(problem)
        signoffs.return_entry(current_user, entry_id, form.comment.data or "")
    except services.HoursError as error:
        flash(str(error), "error")
        return redirect(back_to(url_for(".queue")), 303)
    flash("Returned to the trainee with your comment.", "success")
    return redirect(back_to(url_for(".queue")), 303)


def _return_from_queue(entry_id: int):  # type: ignore[no-untyped-def]
    """Return one entry with the comment typed beside it; a missing or too long comment is
    shown there, with every tick and comment kept."""
    submitted(ActionForm())  # CSRF only: a missing or wrong token is a 400
    form = return_form(entry_id)
    form.validate()
    comment = (form.comment.data or "").strip()
    state = state_from_request()
    try:
        if form.comment.errors:
            raise services.HoursError(form.comment.errors[0])
        if not comment:
            raise services.HoursError(NO_COMMENT)
        signoffs.return_entry(current_user, entry_id, comment)
    except services.HoursError as error:
        # in the problem box: by the entry's comment, or (not in the queue) on its own
        state.entry_errors[entry_id] = str(error)
        return render_queue(state, 400)
    flash("Returned to the trainee with your comment.", "success")
    # the queue again, without that entry: the page, every other tick and the box kept
    state.ticked.discard(entry_id)
    if typed_beside_others({entry_id}):
        return render_queue(state)
    return redirect(queue_address(state), 303)


def _auto_issue(entry_ids: list[int]) -> None:
    """On tracks that issue automatically, approved hours may complete a trainee's record."""
    from training.certs.issuing import maybe_auto_issue

    trainees = {e.trainee for e in (db.session.get(HoursEntry, i) for i in entry_ids) if e}
    for trainee in trainees:
        maybe_auto_issue(trainee)
