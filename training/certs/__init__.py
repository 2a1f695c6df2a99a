"""Certificates: eligibility, issuing, downloads, revocation, re-issue, renewal and the public
verification pages."""

from flask import Blueprint

bp = Blueprint("certs", __name__)

from training.certs import design, lead_actions, views  # noqa: E402,F401

# the logo and signature images are read and checked as the app starts (a bad path stops it)
bp.record_once(lambda state: design.load_images(state.app))


@bp.app_template_filter("certificate_code")
def certificate_code(code: str) -> str:
    from certificates.codes import format_code

    return format_code(code)


@bp.app_template_filter("markdown")
def markdown_filter(text: str):  # type: ignore[no-untyped-def]
    from markupsafe import Markup

    from courses.rendering import render_markdown

    return Markup(render_markdown(text))  # noqa: S704 (nh3 sanitises inside render_markdown)


@bp.app_template_filter("long_date")
def long_date(day) -> str:  # type: ignore[no-untyped-def]
    """A date, a datetime or "2026-06-01" -> 1 June 2026 (no leading zero)."""
    from training import dates

    return dates.long_date(day)


@bp.app_template_filter("signed_off_hours")
def signed_off_hours(minutes: int) -> str:
    """Signed-off minutes as hours: 30000 -> "500 hours", 60 -> "1 hour"."""
    from certificates.pdf import hours_text

    return hours_text(minutes or 0)
