"""The factory: configuration, the secret key rule, cookies, health check and error pages."""

import pytest
from sqlalchemy import create_engine

from tests.helpers import app_config, text_of
from training import ConfigurationError, create_app, write_secret_key
from training.config import normalise_database_url


@pytest.fixture
def no_env_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def production_config(tmp_path, **overrides):
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        "TESTING": False,
        "PUBLIC_BASE_URL": "https://training.example.org",
        **overrides,
    }


def test_refuses_to_start_without_a_secret_key_outside_debug_and_tests(
    tmp_path, no_env_secret, monkeypatch
):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path / "inst"))
    with pytest.raises(ConfigurationError, match="No SECRET_KEY is set"):
        create_app(production_config(tmp_path))


@pytest.mark.parametrize("weak", ["dev", "changeme", "short"])
def test_refuses_a_weak_secret_key(tmp_path, no_env_secret, weak):
    with pytest.raises(ConfigurationError, match="too weak"):
        create_app(production_config(tmp_path, SECRET_KEY=weak))


def test_uses_the_instance_folder_key_made_by_the_first_run(tmp_path, no_env_secret, monkeypatch):
    instance = tmp_path / "inst"
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    assert write_secret_key(instance) is True
    assert write_secret_key(instance) is False  # never overwritten
    key = (instance / "secret_key").read_text().strip()
    assert len(key) == 64 and oct((instance / "secret_key").stat().st_mode)[-3:] == "600"
    assert create_app(production_config(tmp_path)).secret_key == key


def test_environment_secret_key_and_database_url_are_used(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("FLASK_PUBLIC_BASE_URL", "https://training.example.org")
    app = create_app({"TESTING": False})
    assert app.secret_key == "x" * 40
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")


@pytest.mark.parametrize("value", ["1234", "0", "true", "null", '"quoted"', "Provider nº 7"])
def test_text_settings_from_the_environment_stay_text(tmp_path, monkeypatch, value):
    """FLASK_PROVIDER_APPROVAL=1234 is printed as 1234, not parsed as JSON into a number."""
    monkeypatch.setenv("FLASK_PROVIDER_APPROVAL", value)
    monkeypatch.setenv("FLASK_PROGRAM_NAME", value)
    app = create_app(production_config(tmp_path, SECRET_KEY="x" * 40))
    assert app.config["PROVIDER_APPROVAL"] == value
    assert app.config["PROGRAM_NAME"] == value


@pytest.mark.parametrize(
    "value",
    ["Approved\nprovider", "no. 1234\u202e", "\u2067x", "x" * 201, "a\x00b"],
    ids=["line-break", "right-to-left-override", "isolate", "too-long", "nul"],
)
def test_a_text_setting_with_hidden_characters_or_too_long_is_refused(tmp_path, value):
    with pytest.raises(ConfigurationError, match="FLASK_PROVIDER_APPROVAL must be one line"):
        create_app(app_config(PROVIDER_APPROVAL=value))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgres_urls_use_psycopg_3(url, expected):
    assert normalise_database_url(url) == expected


def test_session_cookie_is_httponly_and_samesite_lax(client):
    from tests.helpers import PASSWORD, make_user, post

    user = make_user()
    response = post(client, "/login", {"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_when_configured():
    from tests.helpers import PASSWORD, app_with_database, make_user, post

    with app_with_database(SESSION_COOKIE_SECURE=True) as app:
        user = make_user()
        response = post(app.test_client(), "/login", {"email": user.email, "password": PASSWORD})
        assert "Secure" in response.headers["Set-Cookie"]


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "limit_store": "disabled"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.db"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_friendly_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We couldn't find that page" in text_of(response)
    assert "Go to the home page" in text_of(response)


def test_friendly_500_page_hides_the_error():
    app = create_app(app_config(TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret internals" not in response.text


def test_a_migrated_database_matches_the_models(tmp_path):
    """`flask db upgrade` on an empty database gives exactly the schema the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    from tests.helpers import TEST_DATABASE_URL
    from training.extensions import db

    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/migrated.db"
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        engine = create_engine(normalise_database_url(url))
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        engine.dispose()
        assert diff == []
        db.engine.dispose()
