from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from training.database_timeouts import database_health
from training.extensions import limiter
from training.main import bp
from training.models import Role


@bp.route("/")
def home():  # type: ignore[no-untyped-def]
    """Each person's day starts here: a trainee's next steps and progress; a supervisor's
    queue and a lead's people are where their work is."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    if current_user.role == Role.TRAINEE:
        from training.main.trainee_home import link_of, trainee_home

        return render_template(
            "main/trainee_home.html", home=trainee_home(current_user), link_of=link_of
        )
    if current_user.role == Role.LEAD:
        return redirect(url_for("lead.people"))
    return redirect(url_for("supervise.queue"))


@bp.route("/healthz")
@limiter.exempt
def healthz():  # type: ignore[no-untyped-def]
    """Each dependency's state: 200 while the database answers ("degraded" when the sign-in
    and verification limits count in each process's memory because their store fails), 503
    when the database does not. Answers within about 1.5 s whatever fails.

    The database is asked on a connection of its own, not one of the site's pool: a busy
    site (every pooled connection in use) is not a failing one. A check waits at most
    ``database_timeouts.HEALTH_CHECK_SECONDS`` (1 s) for the answer."""
    from training.limit_store import limit_store_status

    database = database_health(current_app).ask()  # asks while the store is asked
    limits_on = current_app.config.get("RATELIMIT_ENABLED", True)
    limit_store = limit_store_status() if limits_on else "disabled"
    if not database.answered():
        return jsonify(status="error", database="unavailable", limit_store=limit_store), 503
    status = "degraded" if limit_store == "unavailable" else "ok"
    return jsonify(status=status, database="ok", limit_store=limit_store)
