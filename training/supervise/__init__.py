"""The supervisor's sign-off queue."""

from flask import Blueprint

bp = Blueprint("supervise", __name__, url_prefix="/supervise")

from training.supervise import views  # noqa: E402,F401
