"""Outside training and continuing education: trainees record courses taken elsewhere with
their certificate, leads approve or return them, supervisors read their trainees'; and the
download of stored files (``training.uploads``)."""

from flask import Blueprint, request
from flask.blueprints import BlueprintSetupState

bp = Blueprint("outside", __name__, url_prefix="/outside")

#: room in a request body for the form around an uploaded file
FORM_ALLOWANCE = 256 * 1024


@bp.record_once
def body_limit_covers_uploads(state: BlueprintSetupState) -> None:
    """A request body may hold the largest file allowed and its form: raising UPLOAD_MAX_BYTES
    alone (FLASK_UPLOAD_MAX_BYTES) raises MAX_CONTENT_LENGTH with it."""
    config = state.app.config
    wanted = int(config["UPLOAD_MAX_BYTES"]) + FORM_ALLOWANCE
    if config.get("MAX_CONTENT_LENGTH") is None or config["MAX_CONTENT_LENGTH"] < wanted:
        config["MAX_CONTENT_LENGTH"] = wanted


@bp.app_errorhandler(413)
def too_large(error):  # type: ignore[no-untyped-def]
    """A body over MAX_CONTENT_LENGTH is refused before it is read: say so, with the limit.
    (A smaller body with too much text for a form's fields gets a plain refusal.)"""
    from flask import current_app

    from training.errors import error_page
    from training.uploads.services import size_in_mb

    sent = request.content_length
    if not sent or sent <= (current_app.config.get("MAX_CONTENT_LENGTH") or sent):
        return error_page(
            413,
            "What you sent is too large",
            "Nothing was saved. Please go back, shorten the text and try again.",
        )
    limit = size_in_mb(int(current_app.config["UPLOAD_MAX_BYTES"]))
    return error_page(
        413,
        "That file is too large",
        f"What you sent is {size_in_mb(sent)} MB; a file can be at most {limit} MB. Nothing "
        "was saved. Please go back and choose a smaller copy (a scan at a lower resolution, "
        "say).",
    )


from training.outside import views  # noqa: E402,F401
