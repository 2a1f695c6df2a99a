"""Sign in, sign out, change password, and (when switched on) self-registration."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME
from sqlalchemy import select

from training import audit
from training.accounts import EmailTaken, create_account
from training.auth import bp, devices, login_sessions, throttle
from training.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from training.auth.passwords import hash_password, needs_rehash, verify_password
from training.back import safe_path
from training.extensions import db
from training.models import Role, User

SIGN_IN_PAUSED = (
    "There have been too many wrong passwords for this account or from your network, so "
    "signing in is paused for a while to keep the account safe. Please wait, then try again. "
    "If you have forgotten your password, your program lead can give you a link to set a new one."
)
CHANGING_PAUSED = (
    "There have been too many wrong current passwords, so changing the password is paused for "
    "a while to keep your account safe. Please wait, then try again."
)
RESET_LINK_PAUSED = (
    "Too many password links that no longer work have been opened from your network, so "
    "opening them is paused for a while to keep accounts safe. Please wait, then try again, "
    "or ask your program lead for a new link."
)


def _sign_in_counters() -> list[throttle.Counter]:
    """A sign-in's password check counts against the email address it names."""
    return throttle.password_counters((request.form.get("email") or "").strip().lower())


def _password_change_counters() -> list[throttle.Counter]:
    """Checking the current password counts against the signed-in account."""
    return throttle.password_counters(current_user.email if current_user.is_authenticated else "")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _sign_in(user: User, target: str, *, remember: bool) -> Response:
    """Start a login session on this device (its token goes in the session cookie, and in the
    remember cookie if asked), and recognise the device at the next sign-in."""
    login_sessions.start(user)
    db.session.commit()
    login_user(user, remember=remember)
    response = redirect(target)
    devices.remember(response, user.email)
    return response


@bp.route("/login", methods=["GET", "POST"])
@throttle.failures_counted(_sign_in_counters, SIGN_IN_PAUSED)
def login():  # type: ignore[no-untyped-def]
    """Sign in with email and password; failures are counted and throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data or "")
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if user is not None and password_ok and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            target = safe_path(request.args.get("next")) or url_for("main.home")
            return _sign_in(user, target, remember=form.remember.data)
        throttle.failed()
        if user is not None and password_ok and not user.active:
            flash("This account has been deactivated. Please contact your program lead.", "error")
        else:
            flash("That email and password don't match an account. Please try again.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    """Sign out on this device: its login session ends on the server, so neither its session
    cookie nor its remember cookie (which Flask-Login also expires) works again, copied or not.
    The person's other devices stay signed in."""
    if current_user.is_authenticated:
        login_sessions.end(current_user.login_token)
        db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@throttle.failures_counted(_password_change_counters, CHANGING_PAUSED)
def change_password():  # type: ignore[no-untyped-def]
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    form = ChangePasswordForm()
    form.email_for_check = user.email
    form.name_for_check = user.name
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            throttle.failed()
            form.current_password.errors.append("That is not your current password.")
        elif form.new_password.data == form.current_password.data:
            form.new_password.errors.append(
                "Your new password is the same as your current one. Please choose a different one."
            )
        else:
            first = user.must_change_password  # replacing a temporary one from a lead
            user.password_hash = hash_password(form.new_password.data)
            user.must_change_password = False
            login_sessions.end_all(user)  # every device is signed out…
            audit.record(
                user,
                "user",
                user.id,
                "password changed",
                comment="their own, replacing the temporary password" if first else None,
            )
            remembered = (
                current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
            )
            flash("Your password has been changed. Other devices have been signed out.", "success")
            # …and this one carries on with a new sign-in
            return _sign_in(user, url_for("main.home"), remember=remembered)
    return render_template("auth/change_password.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
def register():  # type: ignore[no-untyped-def]
    """Self-registration as a trainee, only when the program has switched it on."""
    if not current_app.config["SELF_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    form.email_for_check = request.form.get("email", "")
    form.name_for_check = request.form.get("name", "")
    if form.validate_on_submit():
        try:
            user = create_account(
                form.email.data,
                form.name.data,
                Role.TRAINEE,
                form.new_password.data,
                self_registration=True,
            )
        except EmailTaken as taken:  # perhaps registered a moment ago, in another tab
            form.email.errors.append(
                f"{taken} Sign in instead, or ask your program lead to reset your password."
            )
        else:
            flash("Welcome! Your trainee account is ready.", "success")
            return _sign_in(user, url_for("main.home"), remember=False)
    return render_template("auth/register.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@throttle.failures_counted(throttle.reset_link_counters, RESET_LINK_PAUSED, ("GET", "POST"))
def reset_password(token: str):  # type: ignore[no-untyped-def]
    """Choose a new password through a one-time link from a program lead. Only links that do
    not work count against the address (a guesser's tries); opening a live link, or a new
    password refused as too weak, does not."""
    from training.auth import resets
    from training.auth.forms import ResetPasswordForm

    reset = resets.find(token)
    if reset is None:
        throttle.failed()
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    form.email_for_check = reset.user.email
    form.name_for_check = reset.user.name
    if form.validate_on_submit():
        if not resets.use(reset, hash_password(form.new_password.data)):
            throttle.failed()
            return render_template("auth/reset_invalid.html"), 404
        flash("Your new password is set. Please sign in with it.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=reset.user, reset=reset)
