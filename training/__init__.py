"""The web app: ``create_app`` wires configuration, extensions and blueprints."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from training.config import WEAK_SECRET_KEYS, Config, normalise_database_url

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration."""


def create_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Build the app: ``Config`` defaults, then the environment, then ``config`` overrides.

    ``config`` may be a dict or a config class (``TestConfig`` in the tests).
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    app.config.from_prefixed_env()
    for key in (*TEXT_SETTINGS, *RAW_TEXT_SETTINGS):  # text as written: 1234 is not a number
        if f"FLASK_{key}" in os.environ:
            app.config[key] = os.environ[f"FLASK_{key}"]
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(name):
            key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
            app.config[key] = os.environ[name]
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    _check_text_settings(app)
    _configure_database(app)
    _configure_secret_key(app)
    from training import urls

    urls.configure(app)  # before ProxyFix, which must see each request first
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    from training import (
        attestations,
        auth,
        back,
        certs,
        cli,
        content,
        database_timeouts,
        errors,
        evaluations,
        events,
        exams,
        extensions,
        hours,
        input_checks,
        lead,
        learning,
        mail,
        main,
        ob3,
        outside,
        practice,
        security_headers,
        serving,
        supervise,
        transactions,
    )

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
    )
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    serving.warn_if_limits_are_not_shared(app)
    transactions.init_app(app)
    database_timeouts.init_app(app)
    auth.init_app(app)
    content.init_app(app)
    errors.init_app(app)
    input_checks.init_app(app)  # before the blueprints: their <int:…> routes use its converter
    security_headers.init_app(app)
    back.init_app(app)
    cli.init_app(app)
    mail.init_app(app)
    _navigation(app)
    blueprints = (main.bp, auth.bp, learning.bp, hours.bp, supervise.bp, lead.bp, certs.bp)
    for blueprint in (
        *blueprints,
        practice.bp,
        events.bp,
        outside.bp,
        evaluations.bp,
        exams.bp,
        attestations.bp,
        mail.bp,
        ob3.blueprint(),
    ):
        app.register_blueprint(blueprint)
    return app


def _navigation(app: Flask) -> None:
    """How many items wait for the signed-in person, shown in the navigation."""
    from flask import has_request_context
    from flask_login import current_user

    @app.context_processor
    def waiting():  # type: ignore[no-untyped-def]
        # no request (an email rendered by the mail worker): nobody is signed in
        if not has_request_context() or not current_user.is_authenticated:
            return {"waiting": 0}
        from training.hours.services import waiting_counts

        return {"waiting": waiting_counts(current_user)}


def _configure_database(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + str(Path(app.instance_path) / "training.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(uri)
    if uri.startswith("sqlite"):
        # A SQLite "connection" is a file opened in this process: there is no server that could
        # have dropped it, so checking it before every request would only cost time.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from training.database_timeouts import engine_options

        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config) | options
    if uri.startswith("sqlite:///") and uri != "sqlite://":
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)


#: settings printed on pages and certificates: one line of plain text each
TEXT_SETTINGS = ("PROGRAM_NAME", "PROVIDER_APPROVAL", "CERTIFICATE_SIGNATORY")
#: settings read as written from the environment (FLASK_MAIL_PASSWORD=12345 is not a number),
#: but not printed, so not held to one short line
RAW_TEXT_SETTINGS = (
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "MAIL_REPLY_TO",
)
TEXT_SETTING_MAX_LENGTH = 200


def _check_text_settings(app: Flask) -> None:
    """A setting printed on every page or certificate must be one line of text, short enough to
    fit, with no hidden characters that could reorder the words around it."""
    from training.input_checks import has_hidden_characters

    for key in TEXT_SETTINGS:
        value = app.config[key]
        if not isinstance(value, str):
            raise ConfigurationError(f"FLASK_{key} must be text.")
        if len(value) > TEXT_SETTING_MAX_LENGTH or has_hidden_characters(value):
            raise ConfigurationError(
                f"FLASK_{key} must be one line of at most {TEXT_SETTING_MAX_LENGTH} characters, "
                "with no line breaks or hidden (control or direction) characters."
            )


def _configure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY from the configuration, else the instance folder's key file.

    Outside debug mode and tests, refuse to start without a real key: a guessable key lets anyone
    forge a session and sign in as a program lead.
    """
    key = app.config.get("SECRET_KEY")
    key_file = Path(app.instance_path) / SECRET_KEY_FILE
    if not key and key_file.is_file():
        key = key_file.read_text().strip()
    weak = bool(key) and (len(key) < 16 or key.lower() in WEAK_SECRET_KEYS)
    if weak and not (app.testing or app.debug):
        raise ConfigurationError("SECRET_KEY is too weak: use at least 32 random characters.")
    if not key:
        if not (app.testing or app.debug):
            raise ConfigurationError(
                "No SECRET_KEY is set. Set the SECRET_KEY environment variable to a long random "
                "value (python -c 'import secrets; print(secrets.token_hex(32))'), or run "
                "`python -m training.firstrun` to create one in the instance folder."
            )
        key = secrets.token_hex(32)
    app.config["SECRET_KEY"] = key


def write_secret_key(instance_path: str | Path) -> bool:
    """Create the instance folder's secret key file if it is missing; True if one was made."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets.token_hex(32) + "\n")
    path.chmod(0o600)
    return True
