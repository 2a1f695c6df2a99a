"""Supervisors approve (with an attestation) or return their own trainees' submitted hours,
one entry or several at once; one returned entry never sends back the others."""

from __future__ import annotations

from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from training.auth import role_required
from training.extensions import db
from training.hours import services, signoffs
from training.hours.forms import ActionForm, ReturnForm
from training.input_checks import database_ids
from training.models import HoursEntry, Role
from training.supervise import bp
from training.validators import form_problem

QUEUE_PAGE_SIZE = 50


@bp.route("/")
@role_required(Role.SUPERVISOR)
def queue():  # type: ignore[no-untyped-def]
    """The oldest entries first, a page at a time (a supervisor of a large cohort can have
    hundreds waiting)."""
    total = (
        db.session.scalar(
            select(func.count()).select_from(services.queue_query(current_user).subquery())
        )
        or 0
    )
    pages = max(1, ceil(total / QUEUE_PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    entries = db.session.scalars(
        services.queue_query(current_user)
        .options(joinedload(HoursEntry.trainee))
        .offset((page - 1) * QUEUE_PAGE_SIZE)
        .limit(QUEUE_PAGE_SIZE)
    ).all()
    trainee_ids = {e.trainee_id for e in entries}
    totals = services.approved_totals_by_trainee(trainee_ids)
    return render_template(
        "supervise/queue.html",
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        totals=totals,
        attestation=signoffs.queue_attestation(entries),
        form=ActionForm(),
        return_form=ReturnForm(),
    )


@bp.route("/approve", methods=["POST"])
@role_required(Role.SUPERVISOR)
def approve():  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = database_ids(request.form.getlist("entry"))
    if not ids:
        flash("Tick the entries you want to approve first.", "error")
    elif request.form.get("attest") != "yes":
        flash("To approve, tick the box to attest that the hours took place as described.", "error")
    else:
        outcome = signoffs.approve(current_user, ids)
        for problem in outcome.problems or []:
            flash(problem, "error")
        if outcome.done:
            flash(f"Approved {outcome.done} entr{'y' if outcome.done == 1 else 'ies'}.", "success")
            _auto_issue(ids)
    return redirect(url_for(".queue"))


@bp.route("/<int:entry_id>/return", methods=["POST"])
@role_required(Role.SUPERVISOR)
def return_entry(entry_id: int):  # type: ignore[no-untyped-def]
    form = ReturnForm()
    try:
        if problem := form_problem(form):  # e.g. a reason over its length limit
            raise services.HoursError(problem)
        signoffs.return_entry(current_user, entry_id, form.comment.data or "")
    except services.HoursError as error:
        flash(str(error), "error")
        return redirect(url_for(".queue")), 303
    flash("Returned to the trainee with your comment.", "success")
    return redirect(url_for(".queue"))


def _auto_issue(entry_ids: list[int]) -> None:
    """On tracks that issue automatically, approved hours may complete a trainee's record."""
    from training.certs.issuing import maybe_auto_issue

    trainees = {e.trainee for e in (db.session.get(HoursEntry, i) for i in entry_ids) if e}
    for trainee in trainees:
        maybe_auto_issue(trainee)
