"""Live training events: a lead schedules them and records attendance; the hours attended count
toward a track's training hours."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")

from training.events import views  # noqa: E402,F401  (registers the routes on bp)


@bp.context_processor
def attendance_labels():  # type: ignore[no-untyped-def]
    from certificates.live_training import STATUSES

    return {"ATTENDANCE": STATUSES}
