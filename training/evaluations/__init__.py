"""Competency evaluations: supervisors rate and sign, trainees read, leads list and void."""

from flask import Blueprint

bp = Blueprint("evaluations", __name__, url_prefix="/evaluations")

from training.evaluations import views  # noqa: E402,F401  (registers the routes on bp)
