"""Practice exercises: trainees write responses, their supervisors review them."""

from flask import Blueprint

bp = Blueprint("practice", __name__, url_prefix="/practice")

from training.practice import views  # noqa: E402,F401  (registers the routes on bp)
