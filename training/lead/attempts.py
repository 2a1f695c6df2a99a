"""Extra quiz attempts: a program lead grants a trainee more attempts at one course's quiz.

Leads reach the form from a trainee's page (their attempts per course) and from the quiz
statistics (the trainees who have used every attempt without passing). Leads run the whole
program, so any trainee's record is theirs to act on; anyone who is not a trainee, or a course
that does not exist, is "not found"."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import case, false, func, select
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired

from courses.model import Course
from training import content, limits
from training.auth import role_required
from training.extensions import db
from training.forms import Form
from training.lead import bp
from training.learning import attempts
from training.learning.models import MOST_EXTRA_ATTEMPTS, ExtraAttempts
from training.learning.quiz_tallies import QuizStanding, standing_totals
from training.models import Cohort, QuizAttempt, Role, User
from training.validators import at_most


def _whole_number(value: object) -> int | None:
    """The submitted number, or None when it is not one (AnyOf then explains)."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


class ExtraAttemptsForm(Form):
    attempts = SelectField(
        "Extra attempts",
        coerce=_whole_number,
        choices=[SelectChoice(n, str(n)) for n in range(1, MOST_EXTRA_ATTEMPTS + 1)],
        default=1,
        validate_choice=False,  # AnyOf below says what is wrong in words
        validators=[
            AnyOf(
                range(1, MOST_EXTRA_ATTEMPTS + 1),
                message=f"Choose from 1 to {MOST_EXTRA_ATTEMPTS} extra attempts.",
            )
        ],
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired(message="Say why you are granting extra attempts."),
            at_most(limits.REASON),
        ],
        description="Kept in the audit log, for example “Went through the boundaries module "
        "again with their supervisor on 3 June”.",
    )
    submit = SubmitField("Grant extra attempts")


@dataclass(frozen=True)
class CourseAttempts:
    """One trainee's attempts at one course's quiz, for the lead's pages."""

    course: Course
    used: int
    extra: int
    passed: bool

    @property
    def allowed(self) -> int | None:
        return attempts.rules(self.course.quiz, self.extra).max_attempts or None

    @property
    def out_of_attempts(self) -> bool:
        return not self.passed and self.allowed is not None and self.used >= self.allowed


def _extras(*conditions) -> dict[tuple[int, str], int]:  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        select(ExtraAttempts.trainee_id, ExtraAttempts.course_id, func.sum(ExtraAttempts.attempts))
        .where(*conditions)
        .group_by(ExtraAttempts.trainee_id, ExtraAttempts.course_id)
    )
    return {(user_id, course_id): int(total) for user_id, course_id, total in rows}


def attempts_of(trainee: User) -> list[CourseAttempts]:
    """Every course's quiz, with the trainee's attempts (for their page)."""
    counted = db.session.execute(standing_totals(QuizAttempt.user_id == trainee.id))
    used = {course_id: (n, bool(p)) for _, course_id, n, p in counted}
    extras = _extras(ExtraAttempts.trainee_id == trainee.id)
    return [
        CourseAttempts(
            course,
            used.get(course.id, (0, False))[0],
            extras.get((trainee.id, course.id), 0),
            used.get(course.id, (0, False))[1],
        )
        for course in content.library().courses
    ]


#: the trainees out of attempts a course's statistics name (the rest are counted)
STUCK_SHOWN = 20


@dataclass(frozen=True)
class OutOfAttempts:
    """The trainees who used every attempt at a course's quiz without passing: the first
    ``STUCK_SHOWN`` by name, and how many there are in all."""

    people: list[User]
    total: int


def out_of_attempts(cohort: Cohort | None) -> dict[str, OutOfAttempts]:
    """Per course id, the trainees (of the cohort, if given) who have used every attempt they
    are allowed without passing: the ones a lead may want to give another chance.

    The database finds them in each trainee's standing (``quiz_standing``: one row per trainee
    and course, indexed by attempts used without a pass), with ``CourseAttempts.out_of_attempts``
    in SQL, so no one's attempts are read and counted again."""
    most = {c.id: c.quiz.max_attempts for c in content.library().courses if c.quiz.max_attempts}
    if not most:
        return {}
    scope = [User.cohort_id == cohort.id] if cohort is not None else []
    extra = (
        select(func.coalesce(func.sum(ExtraAttempts.attempts), 0))
        .where(
            ExtraAttempts.trainee_id == QuizStanding.user_id,
            ExtraAttempts.course_id == QuizStanding.course_id,
        )
        .scalar_subquery()
    )
    per_course = {"partition_by": QuizStanding.course_id}
    stuck = (
        select(
            QuizStanding.course_id,
            QuizStanding.user_id,
            func.row_number()
            .over(**per_course, order_by=(func.lower(User.name), User.id))
            .label("place"),
            func.count().over(**per_course).label("total"),
        )
        .join(User, User.id == QuizStanding.user_id)
        .where(
            QuizStanding.passed == false(),
            QuizStanding.finished >= min(most.values()),  # what the index finds
            QuizStanding.course_id.in_(list(most)),
            QuizStanding.finished >= case(most, value=QuizStanding.course_id) + extra,
            User.role == Role.TRAINEE,
            *scope,
        )
        .subquery()
    )
    rows = db.session.execute(
        select(User, stuck.c.course_id, stuck.c.total)
        .join(stuck, stuck.c.user_id == User.id)
        .where(stuck.c.place <= STUCK_SHOWN)
        .order_by(stuck.c.course_id, stuck.c.place)
    )
    result: dict[str, OutOfAttempts] = {}
    for user, course_id, total in rows:
        result.setdefault(course_id, OutOfAttempts([], total)).people.append(user)
    return result


def _trainee_and_course(user_id: int, course_id: str) -> tuple[User, Course]:
    trainee = db.session.get(User, user_id)
    if trainee is None or trainee.role != Role.TRAINEE:
        abort(404)
    return trainee, content.course_or_404(course_id)


@bp.route("/people/<int:user_id>/quiz-attempts/<course_id>", methods=["GET", "POST"])
@role_required(Role.LEAD)
def extra_attempts(user_id: int, course_id: str):  # type: ignore[no-untyped-def]
    trainee, course = _trainee_and_course(user_id, course_id)
    standing = attempts.standing(trainee, course)
    form = ExtraAttemptsForm()
    if standing.allowed is not None and form.validate_on_submit():
        attempts.grant_extra_attempts(
            current_user, trainee, course, form.attempts.data, form.reason.data.strip()
        )
        count = form.attempts.data
        flash(
            f"{trainee.name} has {count} more attempt{'s' if count != 1 else ''} at the quiz "
            f"of “{course.title}”.",
            "success",
        )
        return redirect(url_for(".extra_attempts", user_id=trainee.id, course_id=course.id))
    if form.csrf_token.errors:
        abort(400)
    grants = db.session.scalars(
        select(ExtraAttempts)
        .where(ExtraAttempts.trainee_id == trainee.id, ExtraAttempts.course_id == course.id)
        .order_by(ExtraAttempts.granted_at, ExtraAttempts.id)
    ).all()
    refused = form.is_submitted() and bool(form.errors)
    return render_template(
        "lead/extra_attempts.html",
        trainee=trainee,
        course=course,
        standing=standing,
        grants=grants,
        form=form,
    ), 400 if refused else 200
