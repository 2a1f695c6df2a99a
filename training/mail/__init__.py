"""Email: every message is written to an outbox table in the same transaction as the event
that causes it (``outbox.queue``), and a worker (``flask --app wsgi mail send``) sends what is
due over SMTP, once, with retries. Also: the kinds of message and who may turn them off
(``kinds``), people's preferences and ``List-Unsubscribe``, and the lead's mail console."""

from flask import Blueprint, Flask

bp = Blueprint("mail", __name__)


def configured(app: Flask) -> bool:
    """Is there an SMTP server to send through? Without one, messages wait in the outbox."""
    return bool((app.config.get("MAIL_SERVER") or "").strip())


def init_app(app: Flask) -> None:
    from training.mail import cli
    from training.urls import public_url

    cli.init_app(app)
    app.jinja_env.globals["public_url"] = public_url  # links in messages


from training.mail import console, models, views  # noqa: E402,F401
