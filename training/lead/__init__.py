"""The program lead's console: people and their roles (cohorts and certificates come later)."""

from flask import Blueprint

bp = Blueprint("lead", __name__, url_prefix="/lead")

from training.lead import views  # noqa: E402,F401
