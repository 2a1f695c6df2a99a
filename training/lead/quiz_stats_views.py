"""The lead's quiz statistics page: every quiz at a glance, or one quiz question by question,
for every trainee or one cohort (chosen with a plain GET form, so a link keeps the choice)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from courses import item_analysis
from courses.model import Course
from training import content
from training.auth import role_required
from training.charts import BarChart, horizontal_bar_chart
from training.extensions import db
from training.input_checks import database_id
from training.lead import bp
from training.lead.attempts import out_of_attempts
from training.lead.quiz_analysis import QuizAnalysis, analysis
from training.lead.quiz_stats import statistics
from training.models import Cohort, Role

UNKNOWN_COHORT = (
    "That cohort does not exist (it may have been a mistyped link), so these are the "
    "statistics for every trainee."
)
UNKNOWN_QUIZ = (
    "There is no course with that name (it may have been a mistyped link), so this is the "
    "summary of every quiz."
)


def _chosen_cohort() -> tuple[Cohort | None, str | None]:
    """The cohort asked for, or None for every trainee; and the message for a bad one."""
    raw = request.args.get("cohort", "")
    if not raw:
        return None, None
    try:
        cohort = db.session.get(Cohort, database_id(raw))
    except ValueError:
        cohort = None
    return cohort, None if cohort is not None else UNKNOWN_COHORT


def _chosen_course() -> tuple[Course | None, str | None]:
    """The course whose quiz is asked for, or None for the summary; and the message for a bad
    one."""
    raw = request.args.get("course", "")
    if not raw:
        return None, None
    course = content.library().course(raw)
    return course, None if course is not None else UNKNOWN_QUIZ


def _score_chart(figures: QuizAnalysis) -> BarChart:
    """The histogram of first-attempt scores: one bar a band, sideways so the bands' names
    stay readable on a phone."""
    return horizontal_bar_chart([(band.label, band.count) for band in figures.bands], row=26)


@bp.route("/quizzes")
@role_required(Role.LEAD)
def quiz_statistics():  # type: ignore[no-untyped-def]
    """Per course: attempts, pass rate and the questions most often missed; or for one
    course, each question's facility and discrimination and the spread of scores. For every
    trainee or for one cohort."""
    cohort, cohort_error = _chosen_cohort()
    course, course_error = _chosen_course()
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc(), Cohort.id))
    figures = analysis(course, cohort) if course is not None else None
    return render_template(
        "lead/quizzes.html",
        courses=statistics(cohort, course),
        cohort=cohort,
        cohorts=list(cohorts),
        course=course,
        library=content.library().courses,
        errors={"cohort": cohort_error, "course": course_error},
        analysis=figures,
        chart=_score_chart(figures) if figures is not None else None,
        stuck=out_of_attempts(cohort),
        rules=item_analysis,
    )
