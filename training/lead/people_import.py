"""Inviting many people at once from a CSV file: upload, a preview of every row with its
problems (nothing created), then a confirmation that checks the file again and invites every
good row (``training.lead.invitations``). Also the page that shows who was invited, with the
links to hand over (kept for programs without mail), and a sample file to start from.

The preview carries the file's text back in a hidden field with its signature (the lead, the
text's digest and the rows shown as "will be invited", for ``PREVIEW_LASTS_MINUTES``): the
confirmation invites only those rows of that very text, never a row added to the field since."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, abort, current_app, render_template
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from training.auth import role_required
from training.csv_export import csv_download
from training.extensions import db
from training.input_checks import takes_files
from training.lead import bp, invitations, people_csv
from training.lead.forms import ConfirmImportForm, ImportPeopleForm
from training.mail import configured
from training.models import Cohort, Role

PREVIEW_SALT = "people-import-preview"
#: how long a preview can be confirmed: long enough to read 500 rows, short enough that the
#: check it showed is recent
PREVIEW_LASTS_MINUTES = 60
PREVIEW_EXPIRED = (
    f"The preview of this file expired (it lasts {PREVIEW_LASTS_MINUTES} minutes). Upload the "
    "file again to check it."
)
PREVIEW_CHANGED = (
    "The file changed since the preview, so none of it was used. Upload the file again to check it."
)


def invited_page(
    invited: Sequence[invitations.Invited],
    refused: Sequence[people_csv.PersonRow] = (),
    *,
    again: bool = False,
) -> str:
    """Who was just invited, with each link to hand over in person (shown once), and the rows of
    a file that were not."""
    return render_template(
        "lead/invited.html",
        invited=invited,
        refused=refused,
        again=again,
        mailed=configured(current_app),
        lasts=invitations.lasts(),
    )


def _upload_page(form: ImportPeopleForm, problem: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "lead/people_import.html",
        form=form,
        problem=problem,
        max_rows=people_csv.PEOPLE_CSV_MAX_ROWS,
        required=people_csv.REQUIRED_COLUMNS,
        optional=people_csv.OPTIONAL_COLUMNS,
    ), status


@bp.route("/people/import", methods=["GET", "POST"])
@takes_files
@role_required(Role.LEAD)
def import_people():  # type: ignore[no-untyped-def]
    """Upload a CSV file of people, and see what would happen to each row."""
    form = ImportPeopleForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _upload_page(form)
    upload = form.people_file.data
    if not upload or not getattr(upload, "filename", ""):
        return _upload_page(form, "Choose a CSV file to upload.", 400)
    try:
        text = people_csv.decode_csv(upload.read(people_csv.PEOPLE_CSV_MAX_BYTES + 1))
        people = invitations.preview(text)
    except people_csv.CsvRefused as refused:
        return _upload_page(form, str(refused), 400)
    confirm = ConfirmImportForm(formdata=None, people=text, preview=_signed_preview(text, people))
    return render_template(
        "lead/people_import_preview.html",
        people=people,
        confirm=confirm,
        mailed=configured(current_app),
    )


@bp.route("/people/import/confirm", methods=["POST"])
@role_required(Role.LEAD)
def confirm_import():  # type: ignore[no-untyped-def]
    """Invite the rows the lead's preview of this very file showed as "will be invited", after
    checking them again (never the preview's word for it), a batch at a time: a row refused
    meanwhile (its address taken by another lead) is listed with the rows to fix, and the others
    are still invited. A file changed since its preview, or a preview too old, invites nobody."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        problem = PREVIEW_CHANGED
        if form.people.errors:
            problem = "The file is too large to invite at once. Split it into smaller files."
        return _upload_page(ImportPeopleForm(formdata=None), problem, 400)
    text = form.people.data or ""
    try:
        previewed = _previewed_rows(text, form.preview.data or "")
        invited, refused = invitations.invite_all(current_user, text, previewed)
    except people_csv.CsvRefused as problem:
        return _upload_page(ImportPeopleForm(formdata=None), str(problem), 400)
    return invited_page(invited, refused)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=PREVIEW_SALT)  # type: ignore[arg-type]


def _signed_preview(text: str, people: people_csv.PeopleFile) -> str:
    """The signature of this lead's preview of ``text``: the rows it shows as "will be
    invited"."""
    previewed = {
        "lead": current_user.id,
        "file": people_csv.fingerprint(text),
        "rows": [row.number for row in people.good],
    }
    return _serializer().dumps(previewed)


def _previewed_rows(text: str, signed: str) -> list[int]:
    """The rows this lead's preview of ``text`` showed as "will be invited", from its signature;
    ``CsvRefused`` if the preview expired, or the text or signature changed since."""
    try:
        previewed = _serializer().loads(signed, max_age=PREVIEW_LASTS_MINUTES * 60)
    except SignatureExpired:
        raise people_csv.CsvRefused(PREVIEW_EXPIRED) from None
    except BadSignature:
        raise people_csv.CsvRefused(PREVIEW_CHANGED) from None
    if not isinstance(previewed, dict):  # made here, so never; but never trusted either
        raise people_csv.CsvRefused(PREVIEW_CHANGED)
    rows = previewed.get("rows")
    if (
        previewed.get("lead") != current_user.id
        or previewed.get("file") != people_csv.fingerprint(text)
        or not isinstance(rows, list)
        or not all(isinstance(number, int) for number in rows)
    ):
        raise people_csv.CsvRefused(PREVIEW_CHANGED)
    return rows


@bp.route("/people/import/sample.csv")
@role_required(Role.LEAD)
def people_import_sample() -> Response:
    """A CSV file with the columns filled in for three made-up people."""
    cohort = db.session.scalar(select(Cohort.name).order_by(Cohort.start_date.desc()).limit(1))
    header = [*people_csv.REQUIRED_COLUMNS, *people_csv.OPTIONAL_COLUMNS]
    rows = [
        ["Riley Chen", "riley.chen@example.org", "trainee", "", cohort or ""],
        [
            "Sam Okafor",
            "sam.okafor@example.org",
            "supervisor",
            "Certified Peer Recovery Specialist, licence 12345",
            "",
        ],
        ["Morgan Lee", "morgan.lee@example.org", "lead", "", ""],
    ]
    return csv_download("people-to-invite.csv", header, rows)
