"""Sign in, sign out, change password, and (when switched on) self-registration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from training.accounts import create_account
from training.auth import bp
from training.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from training.auth.passwords import hash_password, needs_rehash, verify_password
from training.extensions import db, limiter
from training.models import Role, User


def _login_failed(response) -> bool:  # type: ignore[no-untyped-def]
    return bool(g.get("login_failed"))


def _submitted_email() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


def _safe_next(target: str | None) -> str | None:
    """Only follow ?next= to a path on this site, never to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
    key_func=_submitted_email,
    methods=["POST"],
    deduct_when=_login_failed,
)
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
                db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
        g.login_failed = True
        if user is not None and password_ok and not user.active:
            flash("This account has been deactivated. Please contact your program lead.", "error")
        else:
            flash("That email and password don't match an account. Please try again.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():  # type: ignore[no-untyped-def]
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    form = ChangePasswordForm()
    form.email_for_check = user.email
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            user.password_hash = hash_password(form.new_password.data)
            user.must_change_password = False
            user.session_version += 1
            db.session.commit()
            login_user(user)  # stay signed in here; other sessions are signed out
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("main.home"))
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
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if find_user_by_email(email) is not None:
            form.email.errors.append(
                "An account with this email already exists. Sign in instead, or ask your "
                "program lead to reset your password."
            )
        else:
            user = create_account(email, form.name.data, Role.TRAINEE, form.new_password.data)
            login_user(user)
            flash("Welcome! Your trainee account is ready.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour")
def reset_password(token: str):  # type: ignore[no-untyped-def]
    """Choose a new password through a one-time link from a program lead."""
    from training.auth import resets
    from training.auth.forms import ResetPasswordForm

    reset = resets.find(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    form.email_for_check = reset.user.email
    if form.validate_on_submit():
        if not resets.use(reset, hash_password(form.new_password.data)):
            return render_template("auth/reset_invalid.html"), 404
        flash("Your new password is set. Please sign in with it.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=reset.user)
