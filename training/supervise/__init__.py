"""The supervisor's day: the sign-off queue, "My trainees", the history of their sign-offs, and
undoing a mistaken approval for a short while."""

from flask import Blueprint

bp = Blueprint("supervise", __name__, url_prefix="/supervise")

from training.supervise import history, trainees, undo_views, views  # noqa: E402,F401
