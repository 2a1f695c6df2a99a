"""The exam a track asks for: a result recorded from outside, or the platform's own final
exam."""

from flask import Blueprint

bp = Blueprint("exams", __name__, url_prefix="/exam")

from training.exams import lead_views, views  # noqa: E402,F401  (registers the routes on bp)
