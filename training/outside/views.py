"""Outside training and continuing education: the trainee's records, the lead's queue and
decisions, the supervisor's read-only list, the lead's CSV; and stored files' downloads."""

from __future__ import annotations

import io
from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from certificates.outside_hours import KINDS, hours_problem, value_problem
from courses.domains import DOMAINS
from training import audit
from training.auth import role_required
from training.csv_export import csv_download
from training.extensions import db
from training.input_checks import database_id, takes_files
from training.models import Role, User
from training.outside import bp, copies, queries, services
from training.outside.forms import ActionForm, DecisionForm, OutsideForm, ReturnForm
from training.outside.models import STATUS_WORDS, OutsideRecord, OutsideStatus
from training.security_headers import CONTENT_SECURITY_POLICY
from training.uploads import services as uploads
from training.uploads.models import StoredFile

QUEUE_PAGE = 25
LIST_PAGE = 50
CHOOSE_AGAIN = (
    "Please choose the file again: a browser never keeps a chosen file when the page comes back."
)


def _record_or_404(record_id: int) -> OutsideRecord:
    record = db.session.get(OutsideRecord, record_id)
    if record is None or not services.may_view(current_user, record):
        abort(404)
    return record


def _own_record(record_id: int) -> OutsideRecord:
    record = db.session.get(OutsideRecord, record_id)
    if record is None or record.trainee_id != current_user.id:
        abort(404)
    return record


@bp.app_context_processor
def outside_words():  # type: ignore[no-untyped-def]
    return {"OUTSIDE_KINDS": KINDS, "OUTSIDE_STATUS": STATUS_WORDS}


# --- the trainee -------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    if current_user.role == Role.LEAD:
        return redirect(url_for(".queue"))
    if current_user.role == Role.SUPERVISOR:
        return redirect(url_for(".listing"))
    records = services.records_of(current_user)
    by_status = {s: [r for r in records if r.status == s] for s in OutsideStatus}
    return render_template(
        "outside/index.html",
        by_status=by_status,
        allowance=services.allowance_of(current_user, records),
        form=ActionForm(),
    )


def _limit_words() -> str:
    return f"{uploads.size_in_mb(int(current_app.config['UPLOAD_MAX_BYTES']))} MB"


def _edit(kind: str, record: OutsideRecord | None):  # type: ignore[no-untyped-def]
    form = OutsideForm()
    form.certificate.description = (
        f"A PDF, PNG or JPEG of at most {_limit_words()}: a scan or photo of the certificate."
    )
    if record is not None:
        form.certificate.description += " Leave this empty to keep the one you sent."
    if request.method == "GET" and record is not None:
        form.provider.data, form.title.data, form.day.data = (
            record.provider,
            record.title,
            record.day,
        )
        for domain, field in zip(DOMAINS, form.hours_fields(), strict=True):
            hours = record.hours.get(domain)
            field.data = Decimal(str(hours)) if hours else None
    if request.method == "POST":
        form.validate()
        if form.csrf_token.errors:
            abort(400)
        if form.day.data and form.day.data > services.utcnow().date():
            form.day.errors = [*form.day.errors, "The date can't be in the future."]
        hours_fields = form.hours_fields()
        for field in hours_fields:
            problem = value_problem(float(field.data)) if field.data is not None else None
            if problem and not field.errors:
                field.errors = [problem]
        if not any(field.errors for field in hours_fields):
            problem = hours_problem(form.hours)
            if problem:  # about the hours together: shown at the first domain's box
                hours_fields[0].errors = [problem]
        chosen = form.certificate.data if form.certificate.data else None
        if record is None and chosen is None:
            form.certificate.errors = ["Choose the certificate of completion to upload."]
        if not any(field.errors for field in form):
            facts = services.Facts(form.provider.data, form.title.data, form.day.data, form.hours)
            try:
                if record is None:
                    services.add(current_user, kind, facts, chosen)
                    flash("Sent to your program lead. You'll see their decision here.", "success")
                else:
                    services.resubmit(current_user, record, facts, chosen)
                    flash("Corrected and sent to your program lead again.", "success")
                return redirect(url_for(".index"))
            except uploads.UploadError as error:
                db.session.rollback()
                form.certificate.errors = [str(error)]
            except services.OutsideError as error:
                flash(str(error), error.category)
                return redirect(url_for(".index")), 303
        elif chosen is not None and not form.certificate.errors:
            form.certificate.errors = [CHOOSE_AGAIN]
    status = 400 if request.method == "POST" else 200
    return render_template(
        "outside/edit.html",
        form=form,
        kind=kind,
        record=record,
        allowance=services.allowance_of(current_user, services.records_of(current_user)),
    ), status


@bp.route("/new/<any(outside, ce):kind>", methods=["GET", "POST"])
@takes_files
@role_required(Role.TRAINEE)
def new(kind: str):  # type: ignore[no-untyped-def]
    return _edit(kind, None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@takes_files
@role_required(Role.TRAINEE)
def edit(record_id: int):  # type: ignore[no-untyped-def]
    record = _own_record(record_id)
    if record.status != OutsideStatus.RETURNED:
        flash(
            "Only a record your program lead returned to you can be corrected. Withdraw one "
            "that is waiting, then add it again.",
            "error",
        )
        return redirect(url_for(".detail", record_id=record.id)), 303
    return _edit(record.kind, record)


@bp.route("/<int:record_id>/withdraw", methods=["POST"])
@role_required(Role.TRAINEE)
def withdraw(record_id: int):  # type: ignore[no-untyped-def]
    record = _own_record(record_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(current_user, record)
    except services.OutsideError as error:
        flash(str(error), "error")
        return redirect(url_for(".index")), 303
    flash("Withdrawn: the record and its certificate were deleted.", "success")
    return redirect(url_for(".index"))


# --- everyone allowed to see a record ----------------------------------------------------------


@bp.route("/<int:record_id>")
@login_required
def detail(record_id: int):  # type: ignore[no-untyped-def]
    return _detail(_record_or_404(record_id), ReturnForm())


def _detail(record: OutsideRecord, return_form: ReturnForm, status: int = 200):  # type: ignore[no-untyped-def]
    """The record's page; a lead's decision forms carry the version shown (``seen``), and a
    lead is shown the trainee's records this one looks like a copy of."""
    lead = current_user.role == Role.LEAD
    return render_template(
        "outside/detail.html",
        record=record,
        events=audit.history(services.SUBJECT, record.id),
        form=ActionForm(),
        return_form=return_form,
        seen=services.version_of(record),
        copies=copies.possible_copies([record]).get(record.id, []) if lead else [],
    ), status


@bp.route("/files/<int:file_id>")
@login_required
def stored_file(file_id: int):  # type: ignore[no-untyped-def]
    """A stored file, only ever as a download, sandboxed, never cached."""
    stored = db.session.get(StoredFile, file_id)
    if stored is None or not uploads.may_download(current_user, stored):
        abort(404)
    response = send_file(
        io.BytesIO(uploads.file_data(stored.id)),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
        etag=False,
    )
    # Cache-Control: no-store comes with every answer to a signed-in person
    # (``training.security_headers``, which writes that header last).
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Flask-Talisman, which writes every answer's Content-Security-Policy, reads a view's own
# policy from this attribute: the site's policy and ``sandbox``, so a file is shown in a sandbox
# (no script, no plug-in, no same origin) even if a browser opens it instead of saving it.
stored_file.talisman_view_options = {  # type: ignore[attr-defined]
    "content_security_policy": {**CONTENT_SECURITY_POLICY, "sandbox": ""}
}


# --- the lead ----------------------------------------------------------------------------------


@bp.route("/queue")
@role_required(Role.LEAD)
def queue():  # type: ignore[no-untyped-def]
    records, page, pages = queries.page_of(
        queries.queue_query(), request.args.get("page", 1, type=int), QUEUE_PAGE
    )
    return render_template(
        "outside/queue.html",
        records=records,
        page=page,
        pages=pages,
        copies=copies.possible_copies(records),
    )


def _not_decided(record_id: int, error: Exception | str):  # type: ignore[no-untyped-def]
    """Back to the record (or to the queue, if the trainee withdrew it), saying why."""
    flash(str(error), "error")
    if db.session.scalar(select(OutsideRecord.id).where(OutsideRecord.id == record_id)) is None:
        return redirect(url_for(".queue")), 303
    return redirect(url_for(".detail", record_id=record_id)), 303


def _seen(form: DecisionForm):  # type: ignore[no-untyped-def]
    """The version of the record the lead decided on; 400 for a form that does not say (only
    a tampered or broken one: the record's page always does)."""
    if form.csrf_token.errors or form.seen.errors:
        abort(400)
    seen = services.version_from(form.seen.data)
    if seen is None:
        abort(400)
    return seen


def _to_decide(record_id: int) -> OutsideRecord | None:
    """The record a lead decides on; None if its trainee withdrew it meanwhile."""
    record = db.session.get(OutsideRecord, record_id)
    if record is None and not services.was_withdrawn(record_id):
        abort(404)
    return record


@bp.route("/<int:record_id>/approve", methods=["POST"])
@role_required(Role.LEAD)
def approve(record_id: int):  # type: ignore[no-untyped-def]
    form = DecisionForm()
    form.validate_on_submit()
    seen = _seen(form)
    record = _to_decide(record_id)
    if record is None:
        return _not_decided(record_id, services.WITHDRAWN)
    try:
        services.approve(current_user, record, seen)
    except services.OutsideError as error:
        return _not_decided(record_id, error)
    flash(f"Approved: {record.title} for {record.trainee.name}.", "success")
    return redirect(url_for(".queue"))


@bp.route("/<int:record_id>/return", methods=["POST"])
@role_required(Role.LEAD)
def return_record(record_id: int):  # type: ignore[no-untyped-def]
    form = ReturnForm()
    valid = form.validate_on_submit()
    seen = _seen(form)
    record = _to_decide(record_id)
    if record is None:
        return _not_decided(record_id, services.WITHDRAWN)
    if not valid:
        return _detail(record, form, 400)
    try:
        services.return_record(current_user, record, form.comment.data or "", seen)
    except services.RecordChanged as error:  # shown again as it is now, the comment kept
        flash(str(error), "error")
        return _detail(record, form, 409)
    except services.OutsideError as error:
        if not (form.comment.data or "").strip():
            form.comment.errors = [str(error)]
            return _detail(record, form, 400)
        return _not_decided(record_id, error)
    flash(f"Returned to {record.trainee.name} with your comment.", "success")
    return redirect(url_for(".queue"))


# --- leads and supervisors: every record they may see ------------------------------------------


def _filters() -> dict[str, object]:
    trainee = request.args.get("trainee", "", type=str)
    try:
        trainee_id: int | None = database_id(trainee) if trainee else None
    except ValueError:
        trainee_id = None
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    return {
        "status": status if status in set(OutsideStatus) else "",
        "kind": kind if kind in KINDS else "",
        "trainee_id": trainee_id,
    }


@bp.route("/records")
@role_required(Role.LEAD, Role.SUPERVISOR)
def listing():  # type: ignore[no-untyped-def]
    filters = _filters()
    wanted = filters["trainee_id"]
    if wanted is not None and not services.may_see_records_of(current_user, wanted):  # type: ignore[arg-type]
        abort(404)  # a supervisor names only their own trainees
    query = queries.listing_query(current_user, **filters)  # type: ignore[arg-type]
    records, page, pages = queries.page_of(query, request.args.get("page", 1, type=int), LIST_PAGE)
    trainee = db.session.get(User, wanted) if wanted else None
    return render_template(
        "outside/records.html",
        records=records,
        page=page,
        pages=pages,
        filters=filters,
        trainee=trainee,
    )


@bp.route("/records.csv")
@role_required(Role.LEAD)
def export_csv():  # type: ignore[no-untyped-def]
    """Every record (of the chosen status, kind or trainee), oldest first."""
    query = queries.listing_query(current_user, **_filters())  # type: ignore[arg-type]
    query = query.order_by(None).order_by(OutsideRecord.day, OutsideRecord.id)
    header = [
        "Trainee",
        "Email",
        "Kind",
        "Provider",
        "Course title",
        "Date completed",
        *(f"{name} (hours)" for name in DOMAINS.values()),
        "Total hours",
        "Status",
        "Decided by",
        "Decided at (UTC)",
        "Lead's comment",
    ]
    rows = (
        [
            r.trainee.name,
            r.trainee.email,
            KINDS[r.kind],
            r.provider,
            r.title,
            r.day,
            *(float(r.hours.get(domain, 0)) for domain in DOMAINS),
            float(r.total_hours),
            r.status_words if r.status != OutsideStatus.SUBMITTED else "Waiting for a decision",
            r.decided_by.name if r.decided_by else "",
            r.decided_at,
            r.lead_comment or "",
        ]
        for r in db.session.scalars(query).unique()
    )
    return csv_download("outside-training.csv", header, rows)
