"""The trainee's learning path: catalogue, courses, modules and quizzes."""

from flask import Blueprint

bp = Blueprint("learning", __name__, url_prefix="/learn")

from training.learning import views  # noqa: E402,F401
