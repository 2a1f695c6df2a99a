"""Catalogue, course and module pages, and quiz attempts.

Anyone signed in may read the courses (supervisors and leads need to know what trainees are
taught); marking progress and taking quizzes is for trainees, whose records these are.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courses.quiz import AttemptError, option_order, reveals_answers
from training import content
from training.auth import role_required
from training.extensions import db
from training.learning import bp, services
from training.learning.forms import AttemptForm, MarkCompleteForm, StartAttemptForm
from training.models import AttemptStatus, QuizAttempt, Role


def _is_trainee() -> bool:
    return current_user.role == Role.TRAINEE


@bp.route("/")
@login_required
def catalogue():  # type: ignore[no-untyped-def]
    courses = content.library().courses
    record = services.learning_record(current_user) if _is_trainee() else None
    summary = None
    if _is_trainee():
        from training.certs.services import dashboard_summary

        summary = dashboard_summary(current_user)
    return render_template(
        "learning/catalogue.html", courses=courses, record=record, certificate=summary
    )


@bp.route("/<course_id>/")
@login_required
def course(course_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    record = services.learning_record(current_user) if _is_trainee() else None
    resume = None
    if record is not None:
        from courses.progress import resume_module

        resume = resume_module(
            course, record.completed.get(course.id, set()), record.last_viewed.get(course.id)
        )
    return render_template("learning/course.html", course=course, record=record, resume=resume)


@bp.route("/<course_id>/<module_id>")
@login_required
def module(course_id: str, module_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    module = course.module(module_id)
    if module is None:
        abort(404)
    completed = False
    if _is_trainee():
        completed = services.record_view(current_user, course.id, module.id)
    before, after = course.neighbours(module.id)
    return render_template(
        "learning/module.html",
        course=course,
        module=module,
        html=content.store().module_html(course, module),
        before=before,
        after=after,
        completed=completed,
    )


@bp.route("/<course_id>/<module_id>/complete", methods=["POST"])
@role_required(Role.TRAINEE)
def complete(course_id: str, module_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    module = course.module(module_id)
    if module is None:
        abort(404)
    if MarkCompleteForm().validate_on_submit():
        services.mark_complete(current_user, course.id, module.id)
        flash(f"“{module.title}” is marked as complete.", "success")
    _, after = course.neighbours(module.id)
    if after is not None:
        return redirect(url_for(".module", course_id=course.id, module_id=after.id))
    return redirect(url_for(".course", course_id=course.id))


@bp.route("/<course_id>/quiz")
@login_required
def quiz(course_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    history = services.attempts(current_user, course.id) if _is_trainee() else []
    return render_template(
        "learning/quiz.html",
        course=course,
        history=[a for a in history if a.status != AttemptStatus.IN_PROGRESS],
        open_attempt=services.open_attempt(history),
        availability=services.attempt_availability(course, history),
        passed=any(a.passed for a in history),
        form=StartAttemptForm(),
    )


@bp.route("/<course_id>/quiz/start", methods=["POST"])
@role_required(Role.TRAINEE)
def start_quiz(course_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    if not StartAttemptForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(current_user, course)
    except AttemptError as error:
        flash(str(error), "error")
        return redirect(url_for(".quiz", course_id=course.id))
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def _own_attempt(attempt_id: int) -> QuizAttempt:
    """The attempt, if it is the current trainee's; anyone else's is 'not found'."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _questions(course, attempt):  # type: ignore[no-untyped-def]
    return [
        (q, option_order(q, attempt.seed))
        for q in (course.quiz.question(qid) for qid in attempt.question_ids)
        if q is not None
    ]


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def attempt(attempt_id: int):  # type: ignore[no-untyped-def]
    attempt = _own_attempt(attempt_id)
    course = content.course_or_404(attempt.course_id)
    if attempt.finished:
        if request.method == "POST":
            flash(
                "This attempt was already submitted. Your first submission is the one that counts.",
                "info",
            )
        return redirect(url_for(".review", attempt_id=attempt.id))
    if attempt.status == AttemptStatus.ABANDONED or services.attempt_is_stale(course, attempt):
        if attempt.status != AttemptStatus.ABANDONED:
            services.abandon(attempt)
        flash(
            "This quiz was updated after you started it, so that attempt was closed without "
            "counting. Please start a new attempt.",
            "info",
        )
        return redirect(url_for(".quiz", course_id=course.id))

    form = AttemptForm()
    chosen: dict[str, list[str]] = {}
    error = None
    if form.validate_on_submit():
        chosen = {
            key[2:]: request.form.getlist(key) for key in request.form if key.startswith("q-")
        }
        try:
            counted = services.submit_attempt(course, attempt, chosen)
        except AttemptError as problem:
            error = str(problem)
        else:
            if counted:
                from training.certs.issuing import maybe_auto_issue

                maybe_auto_issue(current_user)
            else:
                flash(
                    "This attempt was already submitted. Your first submission is the one "
                    "that counts.",
                    "info",
                )
            return redirect(url_for(".review", attempt_id=attempt.id))
    elif request.method == "POST":
        abort(400)
    status = 400 if error else 200
    return render_template(
        "learning/attempt.html",
        course=course,
        attempt=attempt,
        questions=_questions(course, attempt),
        chosen=chosen,
        error=error,
        form=form,
    ), status


@bp.route("/attempts/<int:attempt_id>/review")
@role_required(Role.TRAINEE)
def review(attempt_id: int):  # type: ignore[no-untyped-def]
    attempt = _own_attempt(attempt_id)
    course = content.course_or_404(attempt.course_id)
    if not attempt.finished:
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    history = services.attempts(current_user, course.id)
    availability = services.attempt_availability(course, history)
    show_answers = reveals_answers(
        course.quiz, any(a.passed for a in history), availability.attempts_left
    )
    answers = attempt.answers or {}
    return render_template(
        "learning/review.html",
        course=course,
        attempt=attempt,
        questions=_questions(course, attempt),
        answers={qid: set(ids) for qid, ids in answers.items()},
        show_answers=show_answers,
        availability=availability,
        form=StartAttemptForm(),
    )
