""" "Forgot your password?": a person asks from the sign-in page for a link to set a new one.

Offered only when mail is configured (``training.mail.configured``); otherwise the page is not
there and the sign-in page says to ask the program lead.

Whatever address is typed (an account, none, a deactivated one), the answer is the same page
and the same words, after the same database lookup: the page never tells anyone whether an
address has an account. For an active account one transaction makes the link (any earlier
unused one stops working), writes the message to the outbox and audits it.

Every request counts, whether or not an account uses the address: per client address
(``FORGOT_PASSWORD_PER_ADDRESS``) and per email address (``FORGOT_PASSWORD_PER_EMAIL``), in the
exact counters of ``training.auth.throttle``; past either, a 429 page asks to wait.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from wtforms import SubmitField

from training import audit, limits
from training.auth import bp, resets, throttle
from training.auth.forms import email_field
from training.auth.views import find_user_by_email
from training.extensions import db
from training.forms import Form
from training.mail import configured, kinds, outbox
from training.models import ResetPurpose, User
from training.urls import public_url

FORGOT_PAUSED = (
    "Many requests for password links have come from your network, or for this email address, "
    "in a short time, so sending links is paused for a while to keep accounts safe. Please "
    "wait, then try again."
)


class ForgotPasswordForm(Form):
    email = email_field("Your email address")
    submit = SubmitField("Email me a link")


@bp.app_template_global()
def forgot_password_offered() -> bool:
    """Whether the sign-in page offers "Forgot your password?" (only when mail can be sent)."""
    return configured(current_app)


def _counters() -> list[throttle.Counter]:
    address = get_remote_address()
    counters = [throttle.Counter("FORGOT_PASSWORD_PER_ADDRESS", "forgot-password-address", address)]
    email = (request.form.get("email") or "").strip().lower()[: limits.EMAIL + 1]
    if email:
        counters.append(
            throttle.Counter("FORGOT_PASSWORD_PER_EMAIL", "forgot-password-email", email)
        )
    return counters


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():  # type: ignore[no-untyped-def]
    if not configured(current_app):
        abort(404)
    return _ask_for_link()


@throttle.failures_counted(_counters, FORGOT_PAUSED)
def _ask_for_link():  # type: ignore[no-untyped-def]
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form)
    throttle.failed()  # every request counts (kept), whether or not an account uses the address
    user = find_user_by_email(form.email.data or "")
    if user is not None and user.active:
        _email_link(user)
    return redirect(url_for("auth.forgot_password_sent"))


def _email_link(user: User) -> None:
    """Make a link, write the message with it and audit it: one transaction."""
    minutes = current_app.config["FORGOT_PASSWORD_VALID_MINUTES"]
    token = resets.create(user, None, ResetPurpose.FORGOT, timedelta(minutes=minutes))
    outbox.queue(
        user,
        kinds.PASSWORD_RESET.name,
        "password_reset",
        "Set a new password",
        sensitive=True,
        link=public_url("auth.reset_password", token=token),
        minutes=minutes,
    )
    audit.record(None, "user", user.id, "password reset link emailed")
    db.session.commit()


@bp.route("/forgot/sent")
def forgot_password_sent():  # type: ignore[no-untyped-def]
    """The one answer to every request, whether or not an account uses the address."""
    if not configured(current_app):
        abort(404)
    minutes = current_app.config["FORGOT_PASSWORD_VALID_MINUTES"]
    return render_template("auth/forgot_sent.html", minutes=minutes)
