"""The exam for program leads (and a trainee's supervisor, who may look): a trainee's exam page
(recorded results and final exam attempts), recording and withdrawing a result of an exam taken
elsewhere, granting one more attempt at the final exam, and the lists of results and attempts
with their CSV exports. Leads run the whole program, so any trainee is theirs to act on;
anyone who is not a trainee, or not one of a supervisor's trainees, is "not found"."""

from __future__ import annotations

from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from training import content
from training.auth import role_required
from training.csv_export import csv_download
from training.dates import long_date
from training.exams import attempts, bp, services
from training.exams.forms import ExtraAttemptForm, ResultForm, WithdrawForm
from training.exams.models import ExamResult, FinalExamAttempt
from training.extensions import db
from training.hours.services import track_for
from training.input_checks import takes_files
from training.models import AttemptStatus, Role, User
from training.uploads.services import UploadError

PAGE_SIZE = 50


def _trainee_or_404(user_id: int) -> User:
    trainee = services.visible_trainee(current_user, user_id)
    if trainee is None:
        abort(404)
    return trainee


def _person_page(trainee: User, **forms: object):  # type: ignore[no-untyped-def]
    """A trainee's exam page, with the lead's forms (as submitted, when one was refused)."""
    track = track_for(trainee)
    exam = track.exam if track is not None else None
    lead = current_user.role == Role.LEAD
    context: dict[str, object] = {"trainee": trainee, "track": track, "exam": exam, "lead": lead}
    if exam is not None and exam.kind == "external":
        results = services.results_of(trainee.id, track.id)  # type: ignore[union-attr]
        context |= {"results": results, "counting": services.counting_result(results)}
    elif exam is not None and track is not None:
        context["standing"] = standing = attempts.standing(trainee, track, exam)
    if lead:
        extra_form = forms.get("extra_form") or ExtraAttemptForm(formdata=None)
        if "standing" in context:  # the grants the page shows are those the lead has seen
            extra_form.seen.raw_data, extra_form.seen.data = None, standing.extra
        context |= {
            "result_form": forms.get("result_form") or ResultForm(formdata=None),
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(formdata=None),
            "blank_withdraw_form": WithdrawForm(formdata=None),
            "withdrawing": forms.get("withdrawing"),
            "extra_form": extra_form,
        }
    status = 400 if forms else 200
    return render_template("exams/person.html", **context), status


@bp.route("/people/<int:user_id>")
@role_required(Role.LEAD, Role.SUPERVISOR)
def person(user_id: int):  # type: ignore[no-untyped-def]
    return _person_page(_trainee_or_404(user_id))


@bp.route("/people/<int:user_id>/results", methods=["POST"])
@takes_files
@role_required(Role.LEAD)
def record(user_id: int):  # type: ignore[no-untyped-def]
    trainee = _trainee_or_404(user_id)
    track = track_for(trainee)
    if track is None or track.exam is None or track.exam.kind != "external":
        abort(404)
    form = ResultForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _person_page(trainee, result_form=form)
    try:
        result = services.record_result(
            current_user,
            trainee,
            track,
            day=form.day.data,
            passed=form.passed,
            score=(form.score.data or "").strip(),
            note=(form.note.data or "").strip(),
            evidence=form.evidence.data or None,
        )
    except UploadError as refused:
        db.session.rollback()
        form.evidence.errors = [str(refused)]
        return _person_page(trainee, result_form=form)
    said = f"Recorded for {trainee.name}: {services.outcome_line(result)}."
    counting = services.counting_result(services.results_of(trainee.id, track.id))
    if counting is not None and counting.id != result.id:
        said += f" It does not count: the exam of {long_date(counting.day)} is later."
    flash(said, "success")
    return redirect(url_for(".person", user_id=trainee.id))


@bp.route("/results/<int:result_id>/withdraw", methods=["POST"])
@role_required(Role.LEAD)
def withdraw(result_id: int):  # type: ignore[no-untyped-def]
    result = db.session.get(ExamResult, result_id)
    if result is None:
        abort(404)
    trainee = _trainee_or_404(result.trainee_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _person_page(trainee, withdraw_form=form, withdrawing=result.id)
    try:
        services.withdraw_result(current_user, result, form.reason.data.strip())
    except services.ExamError as error:
        flash(str(error), "error")
    else:
        flash(f"Withdrawn: {services.outcome_line(result)}.", "success")
    return redirect(url_for(".person", user_id=trainee.id))


@bp.route("/people/<int:user_id>/extra-attempt", methods=["POST"])
@role_required(Role.LEAD)
def extra_attempt(user_id: int):  # type: ignore[no-untyped-def]
    trainee = _trainee_or_404(user_id)
    track = track_for(trainee)
    rule = attempts.internal_exam(track)
    if track is None or rule is None or not rule.max_attempts:
        abort(404)
    form = ExtraAttemptForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors or form.seen.errors:
            abort(400)
        return _person_page(trainee, extra_form=form)
    reason = form.reason.data.strip()
    if attempts.grant_extra_attempt(current_user, trainee, track, reason, form.seen.data):
        flash(f"{trainee.name} has one more attempt at the final exam.", "success")
    else:
        flash("Another extra attempt was just granted; nothing more was added.", "info")
    return redirect(url_for(".person", user_id=trainee.id))


# --- the lists and their CSV ------------------------------------------------------------------


def _page(query, count_query):  # type: ignore[no-untyped-def]
    total = db.session.scalar(count_query) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    rows = db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return rows, page, pages, total


def _results_query():  # type: ignore[no-untyped-def]
    return (
        select(ExamResult)
        .options(
            joinedload(ExamResult.trainee),
            joinedload(ExamResult.recorded_by),
            joinedload(ExamResult.withdrawn_by),
            joinedload(ExamResult.file),
        )
        .order_by(ExamResult.recorded_at.desc(), ExamResult.id.desc())
    )


def _attempts_query():  # type: ignore[no-untyped-def]
    return (
        select(FinalExamAttempt)
        .options(joinedload(FinalExamAttempt.trainee))
        .where(FinalExamAttempt.status == AttemptStatus.FINISHED)
        .order_by(FinalExamAttempt.submitted_at.desc(), FinalExamAttempt.id.desc())
    )


@bp.route("/results")
@role_required(Role.LEAD)
def results():  # type: ignore[no-untyped-def]
    rows, page, pages, total = _page(_results_query(), select(func.count()).select_from(ExamResult))
    return render_template("exams/results.html", results=rows, page=page, pages=pages, total=total)


@bp.route("/results.csv")
@role_required(Role.LEAD)
def results_csv():  # type: ignore[no-untyped-def]
    header = [
        "Trainee", "Email", "Track", "Exam", "Date taken", "Result", "Score", "Note", "Evidence",
        "Recorded by", "Recorded at", "Withdrawn at", "Withdrawn by", "Reason withdrawn",
    ]  # fmt: skip
    rows = (
        [
            r.trainee.name,
            r.trainee.email,
            r.track_id,
            r.exam_name,
            r.day,
            "passed" if r.passed else "not passed",
            r.score,
            r.note,
            r.file.filename if r.file else None,
            r.recorded_by.name if r.recorded_by else None,
            r.recorded_at,
            r.withdrawn_at,
            r.withdrawn_by.name if r.withdrawn_by else None,
            r.withdrawal_reason,
        ]
        for r in db.session.scalars(_results_query())
    )
    return csv_download("exam-results.csv", header, rows)


@bp.route("/attempts")
@role_required(Role.LEAD)
def attempts_list():  # type: ignore[no-untyped-def]
    count = (
        select(func.count())
        .select_from(FinalExamAttempt)
        .where(FinalExamAttempt.status == AttemptStatus.FINISHED)
    )
    rows, page, pages, total = _page(_attempts_query(), count)
    tracks = {t.id: t for t in content.store().tracks.tracks}
    return render_template(
        "exams/attempts.html", attempts=rows, tracks=tracks, page=page, pages=pages, total=total
    )


@bp.route("/attempts.csv")
@role_required(Role.LEAD)
def attempts_csv():  # type: ignore[no-untyped-def]
    header = [
        "Trainee", "Email", "Track", "Submitted at", "Questions", "Right", "Score (%)",
        "Pass mark (%)", "Result",
    ]  # fmt: skip
    rows = (
        [
            a.trainee.name,
            a.trainee.email,
            a.track_id,
            a.submitted_at,
            len(a.question_refs),
            a.correct_count,
            a.score_percent,
            a.pass_percent,
            "passed" if a.passed else "not passed",
        ]
        for a in db.session.scalars(_attempts_query())
    )
    return csv_download("final-exam-attempts.csv", header, rows)
