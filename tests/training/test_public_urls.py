"""Every absolute URL that is signed, printed or handed over is on the configured public address,
whatever Host or X-Forwarded-Host a request sends; the app refuses to start without that address
in production, and in production answers only requests addressed to it."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from certificates.codes import format_code
from tests.helpers import (
    app_with_database,
    assign,
    csrf_token,
    html_of,
    in_app,
    make_user,
    post,
    sign_in,
)
from tests.training.certs.test_views import ETHICS, complete_course, make_eligible, use_track
from training import ConfigurationError, create_app
from training.extensions import db
from training.models import Certificate, QuizAttempt, Role, TrackSignature

PUBLIC = "https://training.example.org"
FORGED = [
    {"Host": "evil.example"},
    # (over HTTPS Flask-WTF wants a Referer on the same host, which a script sends as easily)
    {
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https",
        "Referer": "https://evil.example/",
    },
    {"Host": "evil.example", "X-Forwarded-Host": "evil.example:8443"},
]
#: (settings, the public address every URL must start with)
SETTINGS = {
    "default": ({"PUBLIC_BASE_URL": ""}, "http://127.0.0.1:5000"),
    "default-behind-a-proxy": ({"PUBLIC_BASE_URL": "", "PROXY_COUNT": 1}, "http://127.0.0.1:5000"),
    "configured": ({"PUBLIC_BASE_URL": PUBLIC}, PUBLIC),
    "configured-behind-a-proxy": ({"PUBLIC_BASE_URL": PUBLIC + "/", "PROXY_COUNT": 1}, PUBLIC),
}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=list(SETTINGS))
def site(request, tmp_path):
    settings, public = SETTINGS[request.param]
    with app_with_database(**settings) as app:
        use_track(app, tmp_path)
        lead = make_user(Role.LEAD, name="Morgan Lead")
        supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
        trainee = make_user(Role.TRAINEE, name="Riley Chen")
        assign(trainee, supervisor)
        yield app, public, lead, supervisor, trainee


def forged_post(client, url, forged, data=None):  # type: ignore[no-untyped-def]
    """POST as the signed-in person, with forged headers (a script sends its cookie to any
    Host; the test client would not)."""
    token = csrf_token(client)
    return forged_client(client).post(
        url, data={**(data or {}), "csrf_token": token}, headers=cookie(client, forged)
    )


def forged_client(client):  # type: ignore[no-untyped-def]
    """A client that sends the Cookie header it is given, whatever the host."""
    return client.application.test_client(use_cookies=False)


def cookie(client, headers):  # type: ignore[no-untyped-def]
    return {**headers, "Cookie": f"session={client.get_cookie('session').value}"}


def certificates() -> list[Certificate]:
    with in_app():
        found = list(db.session.scalars(select(Certificate).order_by(Certificate.id)))
        db.session.expunge_all()
        return found


def stored_pdf(certificate: Certificate) -> bytes:
    with in_app():
        return db.session.scalar(select(Certificate.pdf).where(Certificate.id == certificate.id))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "c.pdf").write_bytes(pdf)
    return " ".join(
        subprocess.run(
            ["pdftotext", str(tmp_path / "c.pdf"), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )


def make_renewable(certificate: Certificate, trainee) -> None:  # type: ignore[no-untyped-def]
    """The certificate expires soon and the trainee has done the renewal work since its issue."""
    with in_app():
        row = db.session.get(Certificate, certificate.id)
        row.expires_on = datetime.now(UTC).date() + timedelta(days=30)
        earlier = row.issued_at - timedelta(days=1)
        for attempt in db.session.scalars(select(QuizAttempt)):
            attempt.submitted_at = earlier
        for signature in db.session.scalars(select(TrackSignature)):
            signature.signed_at = earlier
        db.session.commit()
        complete_course(trainee, modules=False)


@pytest.mark.parametrize("forged", FORGED, ids=["host", "x-forwarded-host", "both"])
def test_certificates_issued_renewed_and_reissued_with_a_forged_host_point_to_the_public_address(
    site, forged, tmp_path
):
    app, public, lead, supervisor, trainee = site
    make_eligible(app, trainee, supervisor)
    staff, holder = app.test_client(), app.test_client()
    sign_in(staff, lead)
    forged_post(staff, f"/lead/people/{trainee.id}/certificate", forged)
    (first,) = certificates()
    sign_in(holder, trainee)
    make_renewable(first, trainee)
    forged_post(holder, ETHICS, forged, {"agree": "y", "name": trainee.name})
    forged_post(holder, f"/certificate/{first.id}/renew", forged)
    second = certificates()[-1]
    assert second.kind == "renewal", "the renewal did not happen"
    forged_post(staff, f"/certificates/{second.id}/reissue", forged, {"holder_name": "Riley C"})
    third = certificates()[-1]
    assert third.kind == "reissue", "the re-issue did not happen"

    for certificate in (first, second, third):
        url = json.loads(certificate.payload)["verify_url"]
        assert url == f"{public}/verify/{format_code(certificate.code)}"
        printed = pdf_text(stored_pdf(certificate), tmp_path)  # as printed at issue
        assert f"Verify at {url}" in printed and "evil" not in printed


def test_the_qr_code_of_a_renewed_certificate_opens_the_public_address(tmp_path):
    """With the default configuration (as the issue found it), behind a proxy."""
    with app_with_database(PUBLIC_BASE_URL="", PROXY_COUNT=1) as app:
        use_track(app, tmp_path)
        supervisor, trainee = make_user(Role.SUPERVISOR), make_user(Role.TRAINEE)
        assign(trainee, supervisor)
        make_eligible(app, trainee, supervisor)
        lead = make_user(Role.LEAD)
        staff, holder = app.test_client(), app.test_client()
        sign_in(staff, lead)
        sign_in(holder, trainee)
        post(staff, f"/lead/people/{trainee.id}/certificate")
        make_renewable(certificates()[0], trainee)
        post(holder, ETHICS, {"agree": "y", "name": trainee.name})
        forged_post(holder, f"/certificate/{certificates()[0].id}/renew", FORGED[2])
        renewed = certificates()[-1]
        (tmp_path / "c.pdf").write_bytes(stored_pdf(renewed))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "150", "-singlefile", "c.pdf", "page"],
            cwd=tmp_path,
            check=True,
        )
        with Image.open(tmp_path / "page.png") as page:
            (found,) = zxingcpp.read_barcodes(page)
        assert found.text == f"http://127.0.0.1:5000/verify/{format_code(renewed.code)}"


@pytest.mark.parametrize("forged", FORGED, ids=["host", "x-forwarded-host", "both"])
def test_a_password_reset_link_is_on_the_public_address(site, forged):
    app, public, lead, _, trainee = site
    client = app.test_client()
    sign_in(client, lead)
    page = html_of(forged_post(client, f"/lead/people/{trainee.id}/reset-link", forged))
    links = re.findall(r'[^\s<>"]*/reset/[\w-]+', page)
    assert links, "no reset link on the page"
    for link in links:
        assert re.fullmatch(rf"{re.escape(public)}/reset/[\w-]+", link), link
    token = links[0].rsplit("/", 1)[1]
    assert client.get(f"/reset/{token}").status_code == 200  # the link works


@pytest.mark.parametrize("forged", FORGED, ids=["host", "x-forwarded-host", "both"])
def test_the_verification_answer_names_the_public_key_on_the_public_address(site, forged):
    app, public, lead, supervisor, trainee = site
    make_eligible(app, trainee, supervisor)
    client = app.test_client()
    sign_in(client, lead)
    post(client, f"/lead/people/{trainee.id}/certificate")
    (certificate,) = certificates()
    answer = (
        app.test_client().get(f"/verify/{format_code(certificate.code)}.json", headers=forged).json
    )
    assert answer["public_key_url"] == f"{public}/verify/keys/{certificate.key_id}.pem"
    assert answer["payload"]["verify_url"].startswith(public + "/verify/")


def test_commands_outside_a_request_use_the_public_address():
    from training.certs.issuing import verify_url

    with (
        app_with_database(PUBLIC_BASE_URL="https://example.org/training/") as app,
        app.app_context(),
    ):
        url = verify_url("6290E2B5E29QGSS")
    assert url == "https://example.org/training/verify/6290E-2B5E2-9QGSS"


def test_no_code_builds_an_absolute_url_from_the_request():
    """The class of bug: only training/urls.py makes absolute URLs, from PUBLIC_BASE_URL."""
    pattern = re.compile(r"_external\s*=|host_url|url_root|request\.host|X-Forwarded-Host", re.I)
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("training", "certificates", "courses")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".html", ".txt") and path.name != "urls.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


# --- start-up -----------------------------------------------------------------------------------


def production(tmp_path, **overrides):  # type: ignore[no-untyped-def]
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        "SECRET_KEY": "k" * 40,
        "TESTING": False,
        **overrides,
    }


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("FLASK_PUBLIC_BASE_URL", "FLASK_TRUSTED_HOSTS", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_to_start_without_a_public_address(tmp_path, clean_environment):
    with pytest.raises(ConfigurationError, match="No PUBLIC_BASE_URL is set"):
        create_app(production(tmp_path))
    with pytest.raises(ConfigurationError, match="No PUBLIC_BASE_URL is set"):
        create_app(production(tmp_path, PUBLIC_BASE_URL="  "))


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("training.example.org", "must start with https://"),
        ("ftp://training.example.org", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("https://", "no host name"),
        ("https:///verify", "no host name"),
        ("https://training.example.org/?next=x", "must not contain a query"),
        ("https://training.example.org/#top", "must not contain a query"),
        ("https://admin:pw@training.example.org", "user name or password"),
        ("https://training.example.org:99999", "out of range"),
        ("https://training example.org", "spaces"),
    ],
)
def test_an_unusable_public_address_is_refused_with_the_reason(
    tmp_path, clean_environment, value, problem
):
    with pytest.raises(ConfigurationError, match=re.escape(problem)):
        create_app(production(tmp_path, PUBLIC_BASE_URL=value))
    with pytest.raises(ConfigurationError, match=re.escape(problem)):
        create_app(production(tmp_path, PUBLIC_BASE_URL=value, TESTING=True))


def test_the_public_address_may_come_from_the_environment(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("FLASK_PUBLIC_BASE_URL", PUBLIC + "/")
    assert create_app(production(tmp_path)).config["PUBLIC_BASE_URL"] == PUBLIC


def test_debug_mode_defaults_to_the_development_server(tmp_path, clean_environment):
    app = create_app(production(tmp_path, DEBUG=True))
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert app.config["TRUSTED_HOSTS"] is None  # the dev server answers any name


def served_in_production(tmp_path, **overrides):  # type: ignore[no-untyped-def]
    app = create_app(production(tmp_path, PUBLIC_BASE_URL=PUBLIC, **overrides))
    with app.app_context():
        db.create_all()
    return app


def test_production_answers_only_requests_addressed_to_the_public_host(tmp_path, clean_environment):
    app = served_in_production(tmp_path)
    client = app.test_client()
    assert client.get("/login", headers={"Host": "training.example.org"}).status_code == 200
    assert client.get("/login", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/login", headers={"Host": "localhost:8000"}).status_code == 200
    refused = client.get("/login", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "This site is not served under that address" in refused.get_data(as_text=True)
    # A load balancer may probe a server by its own address: the health check still answers.
    health = client.get("/healthz", headers={"Host": "10.0.0.7:8000"})
    assert (health.status_code, health.json["status"]) == (200, "ok")


def test_behind_a_proxy_a_forwarded_host_is_checked_too(tmp_path, clean_environment):
    client = served_in_production(tmp_path, PROXY_COUNT=1).test_client()
    ok = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "training.example.org"}
    assert client.get("/login", headers=ok).status_code == 200
    forged = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "evil.example"}
    assert client.get("/login", headers=forged).status_code == 400
    assert client.get("/healthz", headers=forged).status_code == 200


def test_the_host_check_can_be_configured_or_turned_off(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", '["training.example.org", ".example.net"]')
    client = served_in_production(tmp_path).test_client()
    assert client.get("/login", headers={"Host": "a.example.net"}).status_code == 200
    assert client.get("/login", headers={"Host": "127.0.0.1"}).status_code == 400
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", "[]")
    client = served_in_production(tmp_path).test_client()
    assert client.get("/login", headers={"Host": "anything.example"}).status_code == 200


def test_host_names_are_compared_whatever_their_case(tmp_path, clean_environment, monkeypatch):
    """Host names are case-insensitive: LOCALHOST is localhost, as sent, forwarded or
    configured; another host is refused in any case."""
    client = served_in_production(tmp_path).test_client()
    for host in ("LOCALHOST", "LocalHost:8000", "Training.Example.ORG", "TRAINING.EXAMPLE.ORG:443"):
        assert client.get("/login", headers={"Host": host}).status_code == 200, host
    assert client.get("/login", headers={"Host": "EVIL.example"}).status_code == 400
    behind_proxy = served_in_production(tmp_path, PROXY_COUNT=1).test_client()
    forwarded = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "TRAINING.example.org"}
    assert behind_proxy.get("/login", headers=forwarded).status_code == 200
    forged = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "EVIL.EXAMPLE"}
    assert behind_proxy.get("/login", headers=forged).status_code == 400
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", '["Training.Example.org", ".Example.NET"]')
    configured = served_in_production(tmp_path).test_client()
    assert configured.get("/login", headers={"Host": "training.example.org"}).status_code == 200
    assert configured.get("/login", headers={"Host": "A.EXAMPLE.net"}).status_code == 200
    assert configured.get("/login", headers={"Host": "example.org"}).status_code == 400
