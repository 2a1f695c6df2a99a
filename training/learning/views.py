"""Catalogue, course and module pages (quiz attempts are in ``training.learning.quiz_views``).

Anyone signed in may read the courses (supervisors and leads need to know what trainees are
taught); marking progress and taking quizzes is for trainees, whose records these are.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from training import content
from training.auth import role_required
from training.learning import bp, services
from training.learning.forms import MarkCompleteForm
from training.models import Role


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
