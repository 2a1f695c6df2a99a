"""The front door: the home page for each role, and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from training.main import views  # noqa: E402,F401
