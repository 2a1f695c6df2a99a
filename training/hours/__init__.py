"""Supervision and supervised-practice hours: trainees log and submit them."""

from flask import Blueprint

bp = Blueprint("hours", __name__, url_prefix="/hours")

from training.hours import deleting, editing, exports, views  # noqa: E402,F401


@bp.app_template_filter("duration")
def duration(minutes):  # type: ignore[no-untyped-def]
    from certificates.hours import format_minutes

    return format_minutes(minutes)


@bp.app_template_filter("hours")
def hours_filter(minutes):  # type: ignore[no-untyped-def]
    from certificates.hours import as_hours

    return as_hours(minutes)


@bp.app_context_processor
def hours_labels():  # type: ignore[no-untyped-def]
    from certificates.hours import KINDS, METHODS, STATUSES

    return {"KINDS": KINDS, "METHODS": METHODS, "STATUSES": STATUSES}
