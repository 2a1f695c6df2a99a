"""The program lead's console: people, cohorts and their dashboards, certificates."""

from flask import Blueprint

bp = Blueprint("lead", __name__, url_prefix="/lead")

# the modules that register routes on bp
from training.lead import (  # noqa: E402,F401
    attempts,
    cohort_csv_views,
    cohort_dashboard,
    cohort_members,
    cohorts,
    people_import,
    quiz_stats_views,
    records,
    sign_off_void,
    views,
)
