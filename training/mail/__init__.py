"""Email: every message is written to an outbox table in the same transaction as the event
that causes it (``outbox.queue``), and a worker (``flask --app wsgi mail send``) sends what is
due over SMTP, once, with retries. Also: the kinds of message and who may turn them off
(``kinds``), people's preferences and ``List-Unsubscribe``, and the lead's mail console."""

from email.utils import parseaddr
from typing import Any

from flask import Blueprint, Flask

bp = Blueprint("mail", __name__)

#: how a switch may be written (FLASK_MAIL_USE_TLS=False arrives as the text "False": Flask
#: reads FLASK_* variables as JSON, and that is not JSON)
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no", ""})


def configured(app: Flask) -> bool:
    """Is there an SMTP server to send through? Without one, messages wait in the outbox."""
    return bool((app.config.get("MAIL_SERVER") or "").strip())


def _switch(key: str, value: Any) -> bool:
    from training import ConfigurationError

    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ConfigurationError(f"FLASK_{key} must be true or false (or yes/no, 1/0), not {value!r}.")


def _check_settings(app: Flask) -> None:
    """MAIL_USE_TLS and MAIL_USE_SSL as booleans however they were written, never both; a
    MAIL_REPLY_TO that is an address."""
    from training import ConfigurationError

    for key in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        app.config[key] = _switch(key, app.config.get(key))
    if app.config["MAIL_USE_TLS"] and app.config["MAIL_USE_SSL"]:
        raise ConfigurationError(
            "Set FLASK_MAIL_USE_TLS (STARTTLS, port 587) or FLASK_MAIL_USE_SSL (TLS from the "
            "start, port 465), not both."
        )
    reply_to = str(app.config.get("MAIL_REPLY_TO") or "").strip()
    if reply_to and "@" not in parseaddr(reply_to)[1]:
        raise ConfigurationError(
            "FLASK_MAIL_REPLY_TO must be an email address, such as office@example.org or "
            '"Program office <office@example.org>".'
        )
    app.config["MAIL_REPLY_TO"] = reply_to


def init_app(app: Flask) -> None:
    from training.mail import cli
    from training.urls import public_url

    _check_settings(app)
    cli.init_app(app)
    app.jinja_env.globals["public_url"] = public_url  # links in messages


from training.mail import console, models, views  # noqa: E402,F401
