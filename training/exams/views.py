"""The exam on the web for trainees and supervisors: a trainee's exam page (the final exam's
rules and their attempts, or the results a lead recorded), taking an attempt on one page
without JavaScript, and its result; a supervisor's list of their trainees' exams. Lead pages
are in ``training.exams.lead_views``. Anyone else's attempt is "not found"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from certificates.tracks import Track
from courses.exam_draw import blueprint_in_order, domain_results, position_key, to_review
from courses.model import Question
from courses.quiz import AttemptError, option_order
from training import content
from training.auth import role_required
from training.exams import attempts, bp, services
from training.exams.forms import ExamAttemptForm, StartExamForm
from training.exams.models import FinalExamAttempt
from training.extensions import db
from training.hours.assignments import supervised_trainees
from training.hours.services import track_for
from training.learning.attempts import Submitted
from training.learning.quiz_views import ALREADY_SUBMITTED, labelled
from training.models import AttemptStatus, Role, User


@bp.app_template_global()
def exam_nav_label() -> str | None:
    """The navigation's exam link for the signed-in person: "Final exam" or "Exam" for a
    trainee whose track has one, "Exams" for a supervisor when any track has one; else None.
    (Called by the navigation only for those two roles.)"""
    if current_user.role == Role.TRAINEE:
        track = track_for(current_user)
        if track is None or track.exam is None:
            return None
        return "Final exam" if track.exam.kind == "internal" else "Exam"
    if current_user.role == Role.SUPERVISOR:
        return "Exams" if any(t.exam for t in content.store().tracks.tracks) else None
    return None


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    if current_user.role == Role.LEAD:
        return redirect(url_for(".results"))
    if current_user.role == Role.SUPERVISOR:
        return _supervised()
    track = track_for(current_user)
    if track is None or track.exam is None:
        return render_template("exams/none.html", track=track)
    if track.exam.kind == "external":
        results = services.results_of(current_user.id, track.id)
        return render_template(
            "exams/mine_external.html",
            track=track,
            exam=track.exam,
            results=results,
            counting=services.counting_result(results),
        )
    return render_template(
        "exams/intro.html",
        track=track,
        exam=track.exam,
        blueprint=blueprint_in_order(track.exam),
        standing=attempts.standing(current_user, track, track.exam),
        form=StartExamForm(),
    )


def _supervised():  # type: ignore[no-untyped-def]
    """A supervisor's trainees, each with their exam as eligibility sees it."""
    by_track: dict[str, tuple[Track, list[User]]] = {}
    for trainee in supervised_trainees(current_user):
        track = track_for(trainee)
        if track is not None and track.exam is not None:
            by_track.setdefault(track.id, (track, []))[1].append(trainee)
    rows = []
    for track, people in by_track.values():
        outcomes = services.exam_outcomes([p.id for p in people], track)
        rows += [(p, track, outcomes[p.id]) for p in people]
    rows.sort(key=lambda row: (row[0].name.lower(), row[0].id))
    return render_template("exams/supervised.html", rows=rows)


def _exam_track():  # type: ignore[no-untyped-def]
    """The signed-in trainee's track and its internal final exam; 404 without one."""
    track = track_for(current_user)
    rule = attempts.internal_exam(track)
    if track is None or rule is None:
        abort(404)
    return track, rule


@bp.route("/start", methods=["POST"])
@role_required(Role.TRAINEE)
def start():  # type: ignore[no-untyped-def]
    track, rule = _exam_track()
    if not StartExamForm().validate_on_submit():
        abort(400)
    try:
        attempt = attempts.start_attempt(current_user, track, rule)
    except AttemptError as error:
        # the exam page states a standing refusal itself: say anything else once
        if str(error) != attempts.standing(current_user, track, rule).refusal:
            flash(str(error), "error")
        return redirect(url_for(".index"))
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def _own_attempt(attempt_id: int) -> FinalExamAttempt:
    attempt = db.session.get(FinalExamAttempt, attempt_id)
    if attempt is None or attempt.trainee_id != current_user.id:
        abort(404)
    return attempt


def _labelled(questions: list[Question], seed: int):  # type: ignore[no-untyped-def]
    """(position key, question, its options labelled in the attempt's order) per question."""
    return [
        (position_key(i), q, labelled(q, option_order(q, seed))) for i, q in enumerate(questions, 1)
    ]


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def attempt(attempt_id: int):  # type: ignore[no-untyped-def]
    attempt = _own_attempt(attempt_id)
    if attempt.finished:
        if request.method == "POST":
            flash(ALREADY_SUBMITTED, "info")
        return redirect(url_for(".result", attempt_id=attempt.id))
    if attempt.status == AttemptStatus.ABANDONED:
        flash("This attempt was closed without counting.", "info")
        return redirect(url_for(".index"))
    track = track_for(current_user)
    rule = attempts.internal_exam(track)
    questions = attempts.questions_of(attempt)
    if rule is None or track is None or track.id != attempt.track_id or questions is None:
        attempts.abandon(attempt)
        flash(
            "The final exam was updated after you started it, so that attempt was closed "
            "without counting. Please start a new attempt.",
            "info",
        )
        return redirect(url_for(".index"))

    form = ExamAttemptForm()
    chosen: dict[str, list[str]] = {}
    error = None
    if form.validate_on_submit():
        chosen = {k[2:]: request.form.getlist(k) for k in request.form if k.startswith("q-")}
        try:
            outcome = attempts.submit_attempt(rule, attempt, questions, chosen)
        except AttemptError as problem:
            error = str(problem)
        else:
            return _after_submission(attempt.id, outcome)
    elif request.method == "POST":
        abort(400)
    return render_template(
        "exams/attempt.html",
        exam=rule,
        attempt=attempt,
        questions=_labelled(questions, attempt.seed),
        chosen=chosen,
        error=error,
        form=form,
    ), 400 if error else 200


def _after_submission(attempt_id: int, outcome: Submitted):  # type: ignore[no-untyped-def]
    if outcome == Submitted.OVER_LIMIT:
        flash(
            "This attempt could not count: by the time it was submitted you had no attempts "
            "left at the final exam. If you need another, ask your program lead: they can "
            "grant an extra attempt.",
            "error",
        )
        return redirect(url_for(".index"))
    if outcome == Submitted.COUNTED:
        from training.certs.issuing import maybe_auto_issue

        maybe_auto_issue(current_user)
    else:
        flash(ALREADY_SUBMITTED, "info")
    return redirect(url_for(".result", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/result")
@role_required(Role.TRAINEE)
def result(attempt_id: int):  # type: ignore[no-untyped-def]
    """The score, passed or not, and how each domain went: which domains to review, never
    which question was wrong or the answer key."""
    attempt = _own_attempt(attempt_id)
    if not attempt.finished:
        if attempt.status == AttemptStatus.IN_PROGRESS:
            return redirect(url_for(".attempt", attempt_id=attempt.id))
        abort(404)
    domains = domain_results(attempt.domains, set(attempt.correct_positions or []))
    pass_percent = attempt.pass_percent or 0
    track = track_for(current_user)
    rule = attempts.internal_exam(track)
    standing = None
    if track is not None and rule is not None and track.id == attempt.track_id:
        standing = attempts.standing(current_user, track, rule)
    return render_template(
        "exams/result.html",
        attempt=attempt,
        domains=domains,
        review=to_review(domains, pass_percent),
        standing=standing,
        exam_name=rule.name if rule else "Final exam",
    )
