"""Attestations a trainee signs (the code of ethics, a lived-experience statement, a job
description, each versioned) and yes/no items a program lead confirms for a trainee."""

from flask import Blueprint

bp = Blueprint("attestations", __name__, url_prefix="/attestations")

from training.attestations import views  # noqa: E402,F401  (registers the routes on bp)
