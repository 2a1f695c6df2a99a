"""Adding trainees to a cohort from a file of their email addresses: upload, a preview of every
row (who will be added, who cannot be and why; nothing changed), then a confirmation that reads
the file again, never the preview's word for it, and adds every good row."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import aliased

from training.auth import role_required
from training.back import back_to
from training.extensions import db
from training.forms import submitted
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
        .where(User.email.in_(emails))  # stored lower case, as find_user_by_email reads them
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
    if not submitted(form):
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
    """Read the file's text again and add every trainee it names who may be added. Every row
    not added is shown with why, as it is now (one that went bad since the preview, another
    lead quicker at the last moment, or all of them on a second click); "Added" only when
    someone was."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = ConfirmCohortCsvForm()
    back = back_to(_cohort_page(cohort))
    if not submitted(form):
        flash("The file is too large to add at once. Split it into smaller files.", "error")
        return redirect(url_for(".cohort_csv_upload", cohort_id=cohort.id, next=back)), 303
    try:
        rows = _checked(cohort, form.emails.data or "")
    except people_csv.CsvRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for(".cohort_csv_upload", cohort_id=cohort.id, next=back)), 303
    wanted = {row.user_id: row for row in rows if not row.errors and row.user_id is not None}
    moved = set(add_to_cohort(cohort, wanted)) if wanted else set()
    if moved:
        flash(added_message(cohort, len(moved)), "success")
    changed = (
        "Not added: this account changed a moment ago (another lead may have just added them "
        "to a cohort). Check their page."
    )
    not_added = [
        row if row.errors else replace(row, errors=(changed,))
        for row in rows
        if row.errors or row.user_id not in moved
    ]
    if not not_added:
        return redirect(back)
    return render_template(
        "lead/cohort_csv_preview.html",
        cohort=cohort,
        rows=not_added,
        added=len(moved),
        good=[],
        confirm=None,
        next=back,
    )
