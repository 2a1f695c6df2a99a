"""The program lead's console: people, cohorts and their dashboards, certificates."""

from flask import Blueprint

bp = Blueprint("lead", __name__, url_prefix="/lead")

from training.lead import attempts, cohorts, people_import, records, views  # noqa: E402,F401  (they register routes on bp)
