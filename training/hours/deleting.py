"""Deleting a draft or returned entry: a page that says what will go, then the deletion.

The confirmation page is the GET of the deletion's own address, so a link can lead there
(``url_for('hours.delete', entry_id=…, next=here())``). ``next`` is where the trainee goes
after deleting (the list they came from, filters kept); ``cancel`` where Cancel takes them
(the page they came from, when that is the entry's own page, which will not exist after)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from certificates.hours import long_date
from training.auth import role_required
from training.back import back_to, safe_path
from training.hours import bp, services
from training.hours.editing import own_entry
from training.hours.forms import ActionForm
from training.models import Role

CANNOT_DELETE = "Only drafts and returned entries can be deleted. Retract a submitted entry first."


@bp.route("/<int:entry_id>/delete", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def delete(entry_id: int):  # type: ignore[no-untyped-def]
    entry = own_entry(entry_id)
    after = back_to(url_for(".index"))
    if request.method == "GET":
        if not entry.editable or entry.sign_offs:
            flash(services.SIGNED_STAYS if entry.editable else CANNOT_DELETE, "error")
            return redirect(url_for(".detail", entry_id=entry.id)), 303
        return render_template(
            "hours/delete.html",
            entry=entry,
            next_page=safe_path(request.args.get("next")),
            cancel=safe_path(request.args.get("cancel")) or after,
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    day = entry.day
    try:
        services.delete(current_user, entry)
    except services.HoursError as error:
        flash(str(error), "error")
        return redirect(after), 303
    flash(f"The entry of {long_date(day)} was deleted.", "success")
    return redirect(after)
