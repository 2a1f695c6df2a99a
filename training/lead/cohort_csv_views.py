"""Adding trainees to a cohort from a file of their email addresses: upload, a preview of every
row (who will be added, who cannot be and why; nothing changed), then a confirmation that reads
the file again, never the preview's word for it, and adds every good row."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from training.auth import role_required
from training.back import back_to
from training.extensions import db
from training.input_checks import takes_files
from training.lead import bp, cohort_csv, people_csv
from training.lead.cohort_members import add_to_cohort, added_message
from training.lead.forms import CohortCsvForm, ConfirmCohortCsvForm
from training.models import Cohort, Role, User
from training.uploads.services import size_in_mb


def _checked(cohort: Cohort, text: str) -> list[cohort_csv.EmailRow]:
    """The file's rows, each with what the database says of its address (one query)."""
    rows = cohort_csv.read_emails(text)
    emails = {row.email for row in rows if not row.errors}
    joined = aliased(Cohort)
    found = db.session.execute(
        select(User.id, User.email, User.name, User.role, User.active, joined.id, joined.name)
        .outerjoin(joined, joined.id == User.cohort_id)
        .where(func.lower(User.email).in_(emails))
    )
    accounts = {
        email.lower(): cohort_csv.Account(user_id, name, role, active, cohort_id, cohort_name)
        for user_id, email, name, role, active, cohort_id, cohort_name in found
    }
    return cohort_csv.with_accounts(rows, accounts, cohort.id)


def _cohort_page(cohort: Cohort) -> str:
    return url_for(".cohort", cohort_id=cohort.id, _anchor="add-trainees")


def _upload_page(cohort: Cohort, form: CohortCsvForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "lead/cohort_csv.html",
        cohort=cohort,
        form=form,
        next=back_to(_cohort_page(cohort)),
        max_rows=cohort_csv.COHORT_CSV_MAX_ROWS,
        max_mb=size_in_mb(people_csv.PEOPLE_CSV_MAX_BYTES),
    ), status


@bp.route("/cohorts/<int:cohort_id>/trainees/csv", methods=["GET", "POST"])
@takes_files
@role_required(Role.LEAD)
def cohort_csv_upload(cohort_id: int):  # type: ignore[no-untyped-def]
    """Upload a file of addresses, and see what would happen to each row."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortCsvForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _upload_page(cohort, form)
    upload = form.emails_file.data
    if not upload or not getattr(upload, "filename", ""):
        form.emails_file.errors.append("Choose a file of email addresses to upload.")
        return _upload_page(cohort, form, 400)
    try:
        text = people_csv.decode_csv(upload.read(people_csv.PEOPLE_CSV_MAX_BYTES + 1))
        rows = _checked(cohort, text)
    except people_csv.CsvRefused as refused:
        form.emails_file.errors.append(str(refused))
        return _upload_page(cohort, form, 400)
    return render_template(
        "lead/cohort_csv_preview.html",
        cohort=cohort,
        rows=rows,
        good=[row for row in rows if not row.errors],
        confirm=ConfirmCohortCsvForm(formdata=None, emails=text),
        next=back_to(_cohort_page(cohort)),
    )


@bp.route("/cohorts/<int:cohort_id>/trainees/csv/confirm", methods=["POST"])
@role_required(Role.LEAD)
def cohort_csv_confirm(cohort_id: int):  # type: ignore[no-untyped-def]
    """Read the file's text again and add every trainee it names who may be added. A row
    that can no longer be added (another lead was quicker) is shown with why."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = ConfirmCohortCsvForm()
    back = back_to(_cohort_page(cohort))
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash("The file is too large to add at once. Split it into smaller files.", "error")
        return redirect(url_for(".cohort_csv_upload", cohort_id=cohort.id, next=back)), 303
    try:
        rows = _checked(cohort, form.emails.data or "")
    except people_csv.CsvRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for(".cohort_csv_upload", cohort_id=cohort.id, next=back)), 303
    wanted = {row.user_id: row for row in rows if not row.errors and row.user_id is not None}
    moved = set(add_to_cohort(cohort, wanted))
    flash(added_message(cohort, len(moved)), "success")
    lost = [row for user_id, row in wanted.items() if user_id not in moved]
    if not lost:
        return redirect(back)
    changed = (
        "Not added: this account changed a moment ago (another lead may have just added them "
        "to a cohort). Check their page."
    )
    return render_template(
        "lead/cohort_csv_preview.html",
        cohort=cohort,
        rows=[replace(row, errors=(changed,)) for row in lost],
        good=[],
        confirm=None,
        next=back,
    )
