"""Competency evaluations on the web. A supervisor evaluates each assigned trainee whose track
asks for it: starts or continues a draft, saves it, reviews it and signs it. A trainee reads
their signed evaluations; a lead lists every evaluation (and exports it), reads one and voids a
signed one with a reason. Anyone else's evaluation is "not found"."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from certificates.evaluation import from_snapshot, grouped, rating_words
from training.auth import role_required
from training.csv_export import csv_download
from training.evaluations import access, bp, services
from training.evaluations.forms import (
    SignForm,
    VoidForm,
    answers,
    filled,
    form_class,
    show_problems,
)
from training.evaluations.models import CompetencyEvaluation, EvaluationStatus
from training.extensions import db
from training.hours.forms import ActionForm
from training.input_checks import database_id
from training.models import Cohort, Role, User

PAGE_SIZE = 50
STATUS_WORDS = {
    EvaluationStatus.DRAFT: "Draft, not signed yet",
    EvaluationStatus.SIGNED: "Signed",
    EvaluationStatus.VOIDED: "Voided",
}


@bp.app_template_global()
def evaluable_trainees() -> set[int]:
    """The ids of the signed-in supervisor's trainees whose track asks for a competency
    evaluation (the sign-off queue links each to their evaluation), worked out once a request."""
    if "evaluable_trainees" not in g:
        g.evaluable_trainees = {t.id for t, _ in access.trainees_to_evaluate(current_user)}
    return g.evaluable_trainees  # type: ignore[no-any-return]


@bp.app_template_global()
def evaluation_form_of(evaluation: CompetencyEvaluation):  # type: ignore[no-untyped-def]
    """The form an evaluation answered, as it kept it (its competencies, scale and words)."""
    return from_snapshot(evaluation.form)


@bp.app_template_global()
def competency_groups(rule):  # type: ignore[no-untyped-def]
    return grouped(rule)


@bp.app_template_global()
def rating_in_words(rule, rating):  # type: ignore[no-untyped-def]
    return rating_words(rule, rating)


# --- everyone's list ---------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    if current_user.role == Role.LEAD:
        return _lead_list()
    if current_user.role == Role.SUPERVISOR:
        trainees = access.trainees_to_evaluate(current_user)
        mine = services.evaluations_by(current_user, [t.id for t, _ in trainees])
        return render_template("evaluations/supervisor.html", trainees=trainees, mine=mine)
    return render_template(
        "evaluations/trainee.html",
        evaluations=services.of_trainee(current_user),
        track=access.evaluation_track(current_user),
    )


def _filters() -> tuple[str, int | None]:
    status = request.args.get("status", "")
    status = status if status in {s.value for s in EvaluationStatus} else ""
    return status, request.args.get("cohort", type=database_id)


def _lead_list():  # type: ignore[no-untyped-def]
    status, cohort_id = _filters()
    query = services.lead_query(status, cohort_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    rows = db.session.scalars(
        query.options(joinedload(CompetencyEvaluation.trainee))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.name)).all()
    return render_template(
        "evaluations/lead.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        status=status,
        cohort_id=cohort_id,
        cohorts=cohorts,
        cohort_names={c.id: c.name for c in cohorts},
    )


@bp.route("/export")
@role_required(Role.LEAD)
def export() -> Response:
    """The evaluations the list shows (same filters), as CSV: each rating in its words."""
    status, cohort_id = _filters()
    rows = db.session.scalars(
        services.lead_query(status, cohort_id).options(
            joinedload(CompetencyEvaluation.trainee), joinedload(CompetencyEvaluation.supervisor)
        )
    ).all()
    competencies: dict[str, str] = {}  # id -> title, in the order the forms name them
    for evaluation in rows:
        for competency in from_snapshot(evaluation.form).competencies:
            competencies.setdefault(competency.id, competency.title)
    header = [
        "Trainee",
        "Track",
        "Supervisor",
        "Supervisor's credential",
        "Status",
        "Signed on",
        "Voided on",
        *competencies.values(),
    ]
    lines = []
    for evaluation in rows:
        rule = from_snapshot(evaluation.form)
        signed = evaluation.status != EvaluationStatus.DRAFT
        named = {c.id for c in rule.competencies}
        lines.append(
            [
                evaluation.trainee.name,
                evaluation.track_id,
                evaluation.supervisor_name
                or (evaluation.supervisor.name if evaluation.supervisor else ""),
                evaluation.supervisor_credential or "",
                STATUS_WORDS[EvaluationStatus(evaluation.status)],
                evaluation.signed_at.date() if evaluation.signed_at else None,
                evaluation.voided_at.date() if evaluation.voided_at else None,
                *(
                    rating_words(rule, evaluation.answer(c)["rating"])
                    if signed and c in named
                    else ""
                    for c in competencies
                ),
            ]
        )
    return csv_download("competency-evaluations.csv", header, lines)


# --- one evaluation ----------------------------------------------------------------------------


def _visible(evaluation_id: int) -> CompetencyEvaluation:
    evaluation = access.visible_to(current_user, evaluation_id)
    if evaluation is None:
        abort(404)
    return evaluation


@bp.route("/<int:evaluation_id>")
@login_required
def detail(evaluation_id: int):  # type: ignore[no-untyped-def]
    evaluation = _visible(evaluation_id)
    return _detail_page(evaluation, VoidForm(formdata=None))


def _detail_page(evaluation: CompetencyEvaluation, void_form: VoidForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "evaluations/detail.html",
        evaluation=evaluation,
        rule=from_snapshot(evaluation.form),
        void_form=void_form,
    ), status


@bp.route("/<int:evaluation_id>/void", methods=["POST"])
@role_required(Role.LEAD)
def void(evaluation_id: int):  # type: ignore[no-untyped-def]
    evaluation = _visible(evaluation_id)
    form = VoidForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _detail_page(evaluation, form, 400)
    try:
        services.void(current_user, evaluation, form.reason.data or "")
    except services.AlreadyDecided as lost:
        flash(str(lost), "error")
        return redirect(url_for(".detail", evaluation_id=evaluation.id)), 303
    except services.EvaluationError as problem:
        form.reason.errors = [str(problem)]
        return _detail_page(evaluation, form, 400)
    flash(
        f"Voided the evaluation of {evaluation.trainee.name}. It stays on record and no longer "
        "counts toward the certificate.",
        "success",
    )
    return redirect(url_for(".detail", evaluation_id=evaluation.id))


# --- the supervisor ----------------------------------------------------------------------------


def _trainee(trainee_id: int) -> tuple[User, Any]:
    found = access.trainee_for(current_user, trainee_id)
    if found is None:
        abort(404)
    return found


@bp.route("/trainees/<int:trainee_id>")
@role_required(Role.SUPERVISOR)
def trainee(trainee_id: int):  # type: ignore[no-untyped-def]
    person, track = _trainee(trainee_id)
    evaluations = services.evaluations_by(current_user, [person.id])[person.id]
    return render_template(
        "evaluations/trainee_page.html",
        trainee=person,
        track=track,
        draft=next((e for e in evaluations if e.status == EvaluationStatus.DRAFT), None),
        signed=[e for e in evaluations if e.status != EvaluationStatus.DRAFT],
        refusal=access.sign_refusal(current_user, track),
        form=ActionForm(formdata=None),
    )


@bp.route("/trainees/<int:trainee_id>/start", methods=["POST"])
@role_required(Role.SUPERVISOR)
def start(trainee_id: int):  # type: ignore[no-untyped-def]
    person, _ = _trainee(trainee_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    evaluation = services.start(current_user, person)
    return redirect(url_for(".edit", evaluation_id=evaluation.id))


def _own(evaluation_id: int) -> CompetencyEvaluation:
    evaluation = access.own(current_user, evaluation_id)
    if evaluation is None:
        abort(404)
    return evaluation


def _editable(evaluation: CompetencyEvaluation):  # type: ignore[no-untyped-def]
    """The current form of a draft; or, when it can't be changed, where to go instead."""
    if evaluation.status != EvaluationStatus.DRAFT:
        flash("This evaluation is already signed, so it can no longer be changed.", "info")
        return None, redirect(url_for(".detail", evaluation_id=evaluation.id))
    rule = access.rule_for(evaluation)
    if rule is None:
        flash(
            f"{evaluation.trainee.name}'s track no longer asks for this evaluation, so this "
            "draft can't be changed or signed.",
            "error",
        )
        return None, redirect(url_for(".detail", evaluation_id=evaluation.id))
    return rule, None


@bp.route("/<int:evaluation_id>/edit", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def edit(evaluation_id: int):  # type: ignore[no-untyped-def]
    evaluation = _own(evaluation_id)
    rule, elsewhere = _editable(evaluation)
    if rule is None:
        return elsewhere
    if request.method == "GET":
        form = filled(rule, services.answers_of(evaluation), evaluation.overall_comment)
        return _edit_page(evaluation, rule, form)
    form = form_class(rule)()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _edit_page(evaluation, rule, form, 400)
    review = request.form.get("action") == "review"
    try:
        services.save_draft(
            current_user,
            evaluation,
            rule,
            answers(form, rule),
            form.overall.data or "",
            complete=review,
        )
    except services.AnswerProblems as found:
        show_problems(form, rule, found.found)
        return _edit_page(evaluation, rule, form, 400)
    except services.AlreadyDecided as lost:
        flash(str(lost), "error")
        return redirect(url_for(".detail", evaluation_id=evaluation.id)), 303
    if review:
        return redirect(url_for(".sign", evaluation_id=evaluation.id))
    flash("Draft saved. Nobody else sees it until you sign it.", "success")
    return redirect(url_for(".edit", evaluation_id=evaluation.id))


def _edit_page(evaluation, rule, form, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "evaluations/edit.html",
        evaluation=evaluation,
        rule=rule,
        form=form,
        groups=grouped(rule),
        refusal=access.sign_refusal(current_user, access.evaluation_track(evaluation.trainee)),
    ), status


@bp.route("/<int:evaluation_id>/sign", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def sign(evaluation_id: int):  # type: ignore[no-untyped-def]
    evaluation = _own(evaluation_id)
    rule, elsewhere = _editable(evaluation)
    if rule is None:
        return elsewhere
    form = SignForm(formdata=None, revision=evaluation.revision)
    if request.method == "POST":
        form = SignForm()
        if form.validate_on_submit():
            try:
                services.sign(current_user, evaluation, form.revision.data)
            except services.AlreadyDecided as lost:
                flash(str(lost), "error")
                return redirect(url_for(".detail", evaluation_id=evaluation.id)), 303
            except services.EvaluationError as problem:
                flash(str(problem), "error")
                return redirect(url_for(".sign", evaluation_id=evaluation.id)), 303
            _auto_issue(evaluation.trainee)
            flash(f"Signed. {evaluation.trainee.name} can now read your evaluation.", "success")
            return redirect(url_for(".detail", evaluation_id=evaluation.id))
        if form.csrf_token.errors:
            abort(400)
    track = access.evaluation_track(evaluation.trainee)
    return render_template(
        "evaluations/sign.html",
        evaluation=evaluation,
        rule=rule,
        form=form,
        ready=services.ready_to_sign(evaluation, rule),
        refusal=access.sign_refusal(current_user, track) if track else "",
    ), (400 if form.errors else 200)


def _auto_issue(trainee: User) -> None:
    """On tracks that issue automatically, a signed evaluation may complete the record."""
    from training.certs.issuing import maybe_auto_issue

    maybe_auto_issue(trainee)
