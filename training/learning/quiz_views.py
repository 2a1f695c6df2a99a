"""The quiz page, starting and answering an attempt, and its review.

Taking quizzes is for trainees, whose records these are; anyone signed in may read a quiz's
rules. The rules themselves (attempts, waits, one open attempt) live in
``training.learning.attempts``, where the database applies them.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courses.model import Course, Option, Question
from courses.quiz import AttemptError, option_order, reveals_answers
from courses.review import modules_covered, points_to_consider
from training import content
from training.auth import role_required
from training.extensions import db
from training.learning import attempts, bp
from training.learning.forms import AttemptForm, StartAttemptForm
from training.models import AttemptStatus, QuizAttempt, Role

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

ALREADY_SUBMITTED = (
    "This attempt was already submitted. Your first submission is the one that counts."
)


@bp.route("/<course_id>/quiz")
@login_required
def quiz(course_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    standing = None
    if current_user.role == Role.TRAINEE:
        standing = attempts.standing(current_user, course)
    return render_template(
        "learning/quiz.html", course=course, standing=standing, form=StartAttemptForm()
    )


@bp.route("/<course_id>/quiz/start", methods=["POST"])
@role_required(Role.TRAINEE)
def start_quiz(course_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    if not StartAttemptForm().validate_on_submit():
        abort(400)
    try:
        attempt = attempts.start_attempt(current_user, course)
    except AttemptError as error:
        # The quiz page states a standing refusal itself (modules left, attempts used, the
        # wait): say it once. Anything else (a race while starting) is flashed.
        if str(error) != attempts.standing(current_user, course).refusal:
            flash(str(error), "error")
        return redirect(url_for(".quiz", course_id=course.id))
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def _own_attempt(attempt_id: int) -> QuizAttempt:
    """The attempt, if it is the current trainee's; anyone else's is 'not found'."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def labelled(question: Question, options: list[Option]) -> list[tuple[str | None, Option]]:
    """Each option with its label in the order shown: A, B, C … (true/false: none, its options
    are their own labels)."""
    if question.type.name == "true_false":
        return [(None, o) for o in options]
    return [(LETTERS[i] if i < len(LETTERS) else str(i + 1), o) for i, o in enumerate(options)]


def _questions(course: Course, attempt: QuizAttempt):  # type: ignore[no-untyped-def]
    """The attempt's questions, each with its options labelled in the attempt's order."""
    return [
        (q, labelled(q, option_order(q, attempt.seed)))
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
            flash(ALREADY_SUBMITTED, "info")
        return redirect(url_for(".review", attempt_id=attempt.id))
    if attempt.status == AttemptStatus.ABANDONED:
        flash("This attempt was closed without counting.", "info")
        return redirect(url_for(".quiz", course_id=course.id))
    if attempts.attempt_is_stale(course, attempt):
        attempts.abandon(attempt)
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
            outcome = attempts.submit_attempt(course, attempt, chosen)
        except AttemptError as problem:
            error = str(problem)
        else:
            return _after_submission(course, attempt.id, outcome)
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


def _after_submission(course: Course, attempt_id: int, outcome: attempts.Submitted):  # type: ignore[no-untyped-def]
    if outcome == attempts.Submitted.OVER_LIMIT:
        flash(
            "This attempt could not count: by the time it was submitted you had no attempts "
            "left at this quiz. If you need another, ask your program lead: they can grant "
            "extra attempts.",
            "error",
        )
        return redirect(url_for(".quiz", course_id=course.id))
    if outcome == attempts.Submitted.COUNTED:
        from training.certs.issuing import maybe_auto_issue

        maybe_auto_issue(current_user)
    else:
        flash(ALREADY_SUBMITTED, "info")
    return redirect(url_for(".review", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/review")
@role_required(Role.TRAINEE)
def review(attempt_id: int):  # type: ignore[no-untyped-def]
    """The full review (every question, the answer given, the right one, why) once the quiz's
    review policy allows it (by default: once the trainee has passed); before that, the score,
    the modules to reread and the hints of every question asked, never which was right."""
    attempt = _own_attempt(attempt_id)
    course = content.course_or_404(attempt.course_id)
    if not attempt.finished:
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    standing = attempts.standing(current_user, course)
    full = reveals_answers(course.quiz, standing.passed, standing.availability.attempts_left)
    shown: dict[str, object] = {}
    if full:
        shown["questions"] = _questions(course, attempt)
        shown["answers"] = {qid: set(ids) for qid, ids in (attempt.answers or {}).items()}
    else:
        shown["modules"] = modules_covered(course, attempt.question_ids)
        shown["hints"] = points_to_consider(course, attempt.question_ids)
    return render_template(
        "learning/review.html",
        course=course,
        attempt=attempt,
        full=full,
        standing=standing,
        form=StartAttemptForm(),
        **shown,
    )
