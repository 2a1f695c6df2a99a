from __future__ import annotations

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from training.extensions import db, limiter
from training.main import bp
from training.models import Role


@bp.route("/")
def home():  # type: ignore[no-untyped-def]
    """Send each person to where their work is."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    if current_user.role == Role.TRAINEE:
        return redirect(url_for("learning.catalogue"))
    if current_user.role == Role.LEAD:
        return redirect(url_for("lead.people"))
    return redirect(url_for("supervise.queue"))


@bp.route("/healthz")
@limiter.exempt
def healthz():  # type: ignore[no-untyped-def]
    """200 when the app and its database answer, 503 when the database does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
