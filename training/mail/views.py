"""Placeholder routes (replaced by the preferences work): a person's notification settings and
the one-click unsubscribe link."""

from __future__ import annotations

from flask import abort

from training.mail import bp


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences():  # type: ignore[no-untyped-def]
    abort(404)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):  # type: ignore[no-untyped-def]
    abort(404)
