""" "Forgot your password?": a person asks from the sign-in page for a link to set a new one.

Offered only when mail is configured (``training.mail.configured``); otherwise the page is not
there and the sign-in page says to ask the program lead.

Whatever address is typed (an account, none, a deactivated one), the answer is the same page
and the same words, after the same work: the page never tells anyone whether an address has an
account, nor does the time it takes. For an active account one transaction makes the link (any
earlier unused one stops working), writes the message to the outbox and audits it; for any
other address a stand-in account goes through the same steps, rolled back.

Every request counts, whether or not an account uses the address: per client address
(``FORGOT_PASSWORD_PER_ADDRESS``) and per email address (``FORGOT_PASSWORD_PER_EMAIL``), in the
exact counters of ``training.auth.throttle``; past either, a 429 page asks to wait.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy import insert
from wtforms import SubmitField

from training import audit, limits
from training.accounts import unusable_password_hash
from training.auth import bp, resets, throttle
from training.auth.forms import email_field
from training.auth.tokens import new_token
from training.auth.views import find_user_by_email
from training.extensions import db
from training.forms import Form
from training.mail import configured, kinds, outbox
from training.models import ResetPurpose, Role, User
from training.urls import public_url

#: the 429 page adds how long to wait ("You can try again in about 40 minutes.")
FORGOT_PAUSED = (
    "Many requests for password links have come from your network, or for this email address, "
    "in a short time, so sending links is paused for a while to keep accounts safe."
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
    _write_link(user if user is not None and user.active else None)
    return redirect(url_for("auth.forgot_password_sent"))


def _write_link(user: User | None) -> None:
    """Make a link for ``user`` (any earlier one stops working), write the message with it and
    audit it, and commit: one transaction.

    For an address with no active account (``None``) the same work is done, so the time of
    the answer does not tell whether one exists: a stand-in account gets the link, the
    rendered message and the audit event, all written to the database inside the same
    savepoint, which is then rolled back instead of kept; the commit that follows is as long
    (on PostgreSQL the rolled-back writes still made it a writing transaction)."""
    with db.session.begin_nested() as savepoint:
        person = user or _stand_in()
        token = resets.create(person, None, ResetPurpose.FORGOT, valid_for())
        outbox.queue(
            person,
            kinds.PASSWORD_RESET.name,
            "password_reset",
            "Set a new password",
            sensitive=True,
            link=public_url("auth.reset_password", token=token),
            lasts=resets.lasts(valid_for()),
        )
        audit.record(None, "user", person.id, "password reset link emailed")
        db.session.flush()
        if user is None:
            savepoint.rollback()  # (kept, for an account, as the block ends)
    db.session.commit()


def _stand_in() -> User:
    """An account for nobody, inserted in the current savepoint (to be rolled back), and kept
    out of the session: nothing of it outlives the savepoint."""
    values = {
        "email": f"{new_token()[:24]}@stand-in.invalid",
        "name": "Stand-in",
        "password_hash": unusable_password_hash(),
        "role": Role.TRAINEE,
    }
    user_id = db.session.execute(insert(User).values(**values).returning(User.id)).scalar_one()
    return User(id=user_id, **values)


def valid_for() -> timedelta:
    """How long an emailed link works (``FORGOT_PASSWORD_VALID_MINUTES``)."""
    return timedelta(minutes=current_app.config["FORGOT_PASSWORD_VALID_MINUTES"])


@bp.route("/forgot/sent")
def forgot_password_sent():  # type: ignore[no-untyped-def]
    """The one answer to every request, whether or not an account uses the address."""
    if not configured(current_app):
        abort(404)
    return render_template("auth/forgot_sent.html", lasts=resets.lasts(valid_for()))
