"""A program lead voids a supervisor's sign-off of an hours entry: a page says exactly what
will happen and asks for the reason (GET), then the void is done (POST), and the lead goes back
to the page they came from (``next``), else the entry's page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth import role_required
from training.back import back_to
from training.extensions import db
from training.forms import submitted
from training.hours import services as hours_services
from training.hours import signoffs
from training.hours.forms import VoidForm
from training.lead import bp
from training.models import HoursEntry, Role


def _confirm_page(entry: HoursEntry, form: VoidForm, back: str, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "lead/confirm_void.html", entry=entry, sign=entry.sign_off, form=form, next=back
    ), status


@bp.route("/hours/<int:entry_id>/void", methods=["GET", "POST"])
@role_required(Role.LEAD)
def void_sign_off(entry_id: int):  # type: ignore[no-untyped-def]
    entry = db.get_or_404(HoursEntry, entry_id)
    back = back_to(url_for("hours.detail", entry_id=entry.id))
    form = VoidForm()
    if request.method == "GET":
        return _confirm_page(entry, form, back)
    if not submitted(form):
        return _confirm_page(entry, form, back, 400)  # a reason over its length limit
    try:
        signoffs.void_sign_off(current_user, entry, form.reason.data or "")
    except hours_services.HoursError as error:
        if not (form.reason.data or "").strip():  # no reason given: said beside the box
            form.reason.errors.append(str(error))
            return _confirm_page(entry, form, back, 400)
        flash(str(error), "error")  # e.g. voided meanwhile, by another lead or in another tab
        return redirect(back), 303
    flash(
        f"The sign-off was voided and the entry returned to {entry.trainee.name} to correct.",
        "success",
    )
    return redirect(back)
