"""Practice exercises on the web: a trainee writes a response (on the module page, or on the
exercise's own page when something needs correcting); a supervisor of that trainee reviews it
(in their queue, or on the response's page). Anyone else's response is "not found"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from courses.model import Course, Exercise
from training import content
from training.auth import role_required
from training.extensions import db
from training.models import Role
from training.practice import bp, services
from training.practice.forms import ResponseForm, ReviewForm
from training.practice.models import PracticeResponse, PracticeStatus

QUEUE_LIMIT = 50


def _exercise_or_404(course_id: str, exercise_id: str) -> tuple[Course, Exercise]:
    course = content.course_or_404(course_id)
    exercise = course.exercise(exercise_id)
    if exercise is None:
        abort(404)
    return course, exercise


@bp.app_template_filter("paragraphs")
def paragraphs(text: str) -> Markup:
    """Text as the trainee or supervisor typed it: paragraphs and line breaks kept, escaped."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return Markup("").join(
        Markup("<p>%s</p>") % Markup("<br>").join(escape(line) for line in block.split("\n"))
        for block in blocks
        if block.strip()
    )


@bp.app_template_global()
def scenario_html(course: Course, exercise: Exercise) -> Markup:
    """The exercise's scenario as HTML (Markdown, sanitised like the modules, rendered once)."""
    key = f"exercise:{exercise.id}"  # module ids have no colon: never the same key
    html = content.store().renderer.html(course.id, course.version, key, exercise.scenario)
    return Markup(html)  # noqa: S704 (sanitised like the modules: courses.rendering)


@bp.app_template_global()
def practice_for(course: Course, exercises: tuple[Exercise, ...]) -> dict[str, Any]:
    """What the module page shows of its exercises: each with the signed-in trainee's tries, a
    form (pre-filled with the last try, so nothing is lost), and whether anyone could review."""
    states = services.states(current_user, course, exercises)
    trainee = current_user.role == Role.TRAINEE
    forms = {}
    for state in states:
        if trainee and state.may_write:
            latest = state.latest
            forms[state.exercise.id] = ResponseForm(
                formdata=None, text=latest.text if latest else ""
            )
    return {
        "states": states,
        "forms": forms,
        "trainee": trainee,
        "supervised": trainee and services.has_supervisor(current_user),
    }


@bp.route("/<course_id>/<exercise_id>", methods=["GET", "POST"])
@login_required
def exercise(course_id: str, exercise_id: str):  # type: ignore[no-untyped-def]
    course, exercise = _exercise_or_404(course_id, exercise_id)
    form = ResponseForm()
    status = 200
    if request.method == "POST":
        if current_user.role != Role.TRAINEE:
            abort(403)
        if form.validate_on_submit():
            try:
                services.submit(current_user, course, exercise, form.text.data or "")
            except services.PracticeError as error:
                form.text.errors = [str(error)]
            else:
                flash("Sent. Your supervisor will review it and reply here.", "success")
                return redirect(
                    url_for("learning.module", course_id=course.id, module_id=exercise.module_id)
                    + f"#exercise-{exercise.id}"
                )
        elif form.csrf_token.errors:
            abort(400)
        status = 400
    page = practice_for(course, (exercise,))
    if request.method == "POST":
        if page["states"][0].status != "accepted":
            page["forms"][exercise.id] = form  # what they wrote, with the problem beside it
        else:  # no further try is taken: say why, and offer no box to write in
            for error in form.text.errors:
                flash(error, "error")
    return render_template(
        "practice/exercise.html",
        course=course,
        exercise=exercise,
        module=course.module(exercise.module_id),
        practice=page,
    ), status


@dataclass
class Waiting:
    """A response in a supervisor's queue, with the exercise it answers (None if the course no
    longer has it)."""

    response: PracticeResponse
    course: Course | None
    exercise: Exercise | None


def _with_exercise(response: PracticeResponse) -> Waiting:
    course = content.library().course(response.course_id)
    return Waiting(response, course, course.exercise(response.exercise_id) if course else None)


@bp.app_template_global()
def practice_queue() -> dict[str, Any]:
    """The responses waiting from the signed-in supervisor's trainees, oldest first."""
    query = services.queue_query(current_user)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    responses = db.session.scalars(
        query.options(joinedload(PracticeResponse.trainee)).limit(QUEUE_LIMIT)
    ).all()
    return {
        "waiting": [_with_exercise(r) for r in responses],
        "total": total,
        "form": ReviewForm(formdata=None),
    }


def _visible(response_id: int) -> PracticeResponse:
    response = services.visible_to(current_user, response_id)
    if response is None:
        abort(404)
    return response


@bp.route("/responses/<int:response_id>")
@login_required
def response(response_id: int):  # type: ignore[no-untyped-def]
    return _response_page(_visible(response_id), ReviewForm(formdata=None), {})


def _response_page(
    response: PracticeResponse, form: ReviewForm, chosen: dict[str, str], status: int = 200
):  # type: ignore[no-untyped-def]
    item = _with_exercise(response)
    tries = db.session.scalars(
        select(PracticeResponse)
        .where(
            PracticeResponse.trainee_id == response.trainee_id,
            PracticeResponse.course_id == response.course_id,
            PracticeResponse.exercise_id == response.exercise_id,
            PracticeResponse.attempt < response.attempt,
        )
        .order_by(PracticeResponse.attempt)
    ).all()
    reviewing = current_user.role == Role.SUPERVISOR and response.status == PracticeStatus.SUBMITTED
    return render_template(
        "practice/response.html",
        item=item,
        earlier=tries,
        reviewing=reviewing,
        form=form,
        chosen=chosen,
    ), status


@bp.route("/responses/<int:response_id>/review", methods=["POST"])
@role_required(Role.SUPERVISOR)
def review(response_id: int):  # type: ignore[no-untyped-def]
    response = _visible(response_id)  # a supervisor sees only their own trainees' responses
    form = ReviewForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _response_page(response, form, _chosen(_criteria(response)), 400)
    criteria = _criteria(response)
    chosen = _chosen(criteria)
    ratings = {i: value == "met" for i, value in chosen.items() if value in ("met", "not_yet")}
    decision = request.form.get("decision", "")
    try:
        services.review(
            current_user, response, decision, ratings, form.feedback.data or "", criteria
        )
    except services.AlreadyReviewed as lost:
        flash(str(lost), "error")
        return redirect(url_for("supervise.queue")), 303
    except services.RatingsProblem as problem:
        form.form_errors.append(str(problem))  # shown above the points to rate
        return _response_page(response, form, chosen, 400)
    except services.PracticeError as problem:
        form.feedback.errors = [str(problem)]
        return _response_page(response, form, chosen, 400)
    if decision == services.ACCEPT:
        from training.certs.issuing import maybe_auto_issue

        maybe_auto_issue(response.trainee)  # accepted practice may complete a course
        flash(f"Accepted {response.trainee.name}’s response.", "success")
    else:
        flash(f"Asked {response.trainee.name} for another try, with your feedback.", "success")
    return redirect(url_for("supervise.queue"))


def _criteria(response: PracticeResponse) -> int:
    exercise = _with_exercise(response).exercise
    return len(exercise.criteria) if exercise else 0


def _chosen(criteria: int) -> dict[str, str]:
    """Each criterion's rating as sent (``c-0`` … : met / not_yet), by its index as text."""
    form = request.form
    return {str(i): form.get(f"c-{i}", "") for i in range(criteria)}
