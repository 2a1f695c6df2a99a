"""The trainee's learning path: catalogue, courses, modules and quizzes."""

from flask import Blueprint

bp = Blueprint("learning", __name__, url_prefix="/learn")

# models: the extra-attempt grants, registered with the other tables
from training.learning import models, quiz_views, reference_views, views  # noqa: E402,F401


@bp.app_template_filter("about_minutes")
def about_minutes(minutes: int) -> str:
    """A learning-time estimate in words: 100 -> "about 1 hour 40 minutes"."""
    from training import dates

    return dates.about_minutes(minutes)


@bp.app_template_filter("long_time")
def long_time(moment) -> str:  # type: ignore[no-untyped-def]
    """A moment in words: "14:05 UTC on 1 June 2026"."""
    from training import dates

    return dates.long_time(moment)


@bp.app_template_filter("duration_words")
def duration_words(minutes: int) -> str:
    """An exact span in words: 1440 -> "1 day"."""
    from training import dates

    return dates.duration(minutes)
