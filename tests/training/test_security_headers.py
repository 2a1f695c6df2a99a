"""Security headers on every answer, to everyone: every GET route, as a visitor and as each role,
and error answers too. A signed-in person's answers are never stored by a cache."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from certificates.codes import format_code
from tests.helpers import (
    app_with_database,
    assign,
    in_app,
    make_entry,
    make_user,
    post,
    save,
    sign_in,
)
from tests.training.certs.test_views import make_eligible, use_track
from training.extensions import db
from training.models import Certificate, Cohort, QuizAttempt, Role

ROOT = Path(__file__).resolve().parents[2]
ROLES = [None, Role.TRAINEE, Role.SUPERVISOR, Role.LEAD]
#: answers anyone may cache: the same for everybody, and nothing private in them
CACHEABLE_FOR_VISITORS = {
    "static",
    "certs.verify",
    "certs.verify_code",
    "certs.verify_json",
    "certs.key_pem",
    # the documents a credential's verifier fetches (issue 22)
    "ob3.issuer",
    "ob3.key",
    "ob3.status_list",
    "ob3.achievement",
    "ob3.achievement_image",
}


@pytest.fixture
def world(app, client, tmp_path):
    """One of everything a GET route can name, and the people of every role."""
    use_track(app, tmp_path)
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    lead = make_user(Role.LEAD)
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user(Role.TRAINEE, cohort_id=cohort.id)
    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor)
    entry = make_entry(trainee, supervisor, status="submitted")
    sign_in(client, lead)
    post(client, f"/lead/people/{trainee.id}/certificate")
    with in_app():
        from training.auth import resets

        certificate = db.session.scalars(select(Certificate)).one()
        token = resets.create(db.session.merge(make_user(Role.TRAINEE)), db.session.merge(lead))
        values = {
            "filename": "style.css",
            "token": token,
            "course_id": "basics",
            "module_id": "first",
            "attempt_id": db.session.scalars(select(QuizAttempt.id)).first(),
            "entry_id": entry.id,
            "cohort_id": cohort.id,
            "user_id": trainee.id,
            "certificate_id": certificate.id,
            "code": format_code(certificate.code),
            "exercise_id": "reflect-dana",
            "response_id": 1,
            # the rulebook's records (issue 19): pages of records that do not exist answer 404,
            # with the same headers
            "event_id": 1,
            "record_id": 1,
            "evaluation_id": 1,
            "result_id": 1,
            "file_id": 1,
            "trainee_id": trainee.id,
            "attestation_id": "code-of-ethics",
            "item_id": "diploma",
            "kind": "outside",
            # portable credentials (issue 22): the certificate's key, the status list, the track
            "key_id": certificate.key_id,
            "list_id": 1,
            "track_id": "peer-recovery",
        }
    return {Role.LEAD: lead, Role.SUPERVISOR: supervisor, Role.TRAINEE: trainee}, values


def get_routes(app, values):  # type: ignore[no-untyped-def]
    """(endpoint, url) of every GET route, its parts filled in; fails on a part it cannot fill."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            missing = rule.arguments - values.keys()
            assert not missing, f"add a value for {missing} of {rule.rule} to the fixture"
            routes.append(
                (rule.endpoint, url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
            )
    return routes


def assert_security_headers(response, where: str) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == ["'self'"], (where, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (where, csp)
    assert directives.get("object-src") == ["'none'"], (where, csp)
    assert directives.get("form-action") == ["'self'"], (where, csp)
    assert "unsafe" not in csp and "script-src" not in csp and "style-src" not in csp, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "visitor")
def test_every_get_route_answers_with_the_security_headers(app, world, role):
    people, values = world
    client = app.test_client()
    if role is not None:
        sign_in(client, people[role])
    routes = get_routes(app, values)
    assert len(routes) >= 30
    statuses = set()
    for endpoint, url in routes:
        response = client.get(url)
        statuses.add(response.status_code)
        where = f"{url} as {role or 'a visitor'} ({response.status_code})"
        assert_security_headers(response, where)
        cache = response.headers.get("Cache-Control", "")
        if role is not None and endpoint != "static":
            assert cache == "no-store", where
        elif endpoint in CACHEABLE_FOR_VISITORS:
            assert "no-store" not in cache, where
        response.close()
    assert 200 in statuses


def test_verification_answers_are_asked_for_again_before_any_cache_shows_them(app, world):
    """A cache that kept "valid" would show it after a revocation: every look-up of a code,
    page or JSON, found or not, must go back to the site (``no-cache``)."""
    people, values = world
    visitor = app.test_client()
    code = values["code"]
    lookups = [f"/verify/{code}", f"/verify/{code}.json", "/verify/AAAAA-AAAAA-AAAAA.json"]
    for url in lookups:
        response = visitor.get(url)
        assert response.status_code in (200, 400, 404), url
        assert response.headers.get("Cache-Control") == "no-cache", url
        assert "Expires" not in response.headers, url
    lead = app.test_client()
    sign_in(lead, people[Role.LEAD])
    revoked = post(
        lead,
        f"/certificates/{values['certificate_id']}/revoke",
        {"category": "error", "reason": "Issued by mistake."},
    )
    assert revoked.status_code == 302
    again = visitor.get(f"/verify/{code}.json")
    assert again.json["status"] == "revoked" and again.headers["Cache-Control"] == "no-cache"
    # signed in, the stricter rule holds
    assert lead.get(f"/verify/{code}").headers["Cache-Control"] == "no-store"


def test_error_answers_carry_the_headers_too(app, client, world):
    people, _ = world
    for response in (
        client.get("/no-such-page"),
        client.post("/login", data={"email": "x@example.org", "password": "x"}),  # no CSRF
        client.get("/verify/not-a-code.json"),
    ):
        assert response.status_code in (400, 404)
        assert_security_headers(response, response.request.path)
    sign_in(client, people[Role.TRAINEE])
    forbidden = client.get("/lead/people")
    assert forbidden.status_code == 403 and forbidden.headers["Cache-Control"] == "no-store"
    assert_security_headers(forbidden, "/lead/people")


def test_downloads_of_a_signed_in_person_are_never_stored(app, world):
    people, values = world
    client = app.test_client()
    sign_in(client, people[Role.TRAINEE])
    pdf = client.get(f"/certificates/{values['certificate_id']}.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store" and "Expires" not in pdf.headers
    hours = client.get("/hours/export.csv")
    assert hours.mimetype == "text/csv" and hours.headers["Cache-Control"] == "no-store"
    hours.close()
    sign_in(client, people[Role.LEAD])
    cohort = client.get(f"/lead/cohorts/{values['cohort_id']}?format=csv")
    assert cohort.mimetype == "text/csv" and cohort.headers["Cache-Control"] == "no-store"
    cohort.close()


def test_hsts_only_when_served_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://training.example.org")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_behind_a_proxy_and_whenever_cookies_are_https_only():
    with app_with_database(PROXY_COUNT=1) as app:
        answer = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    with app_with_database(SESSION_COOKIE_SECURE=True) as app:
        answer = app.test_client().get("/login")  # the proxy did not say it was HTTPS
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_http_to_https_redirect_and_the_session_cookie_is_left_as_configured(app, client):
    from tests.helpers import PASSWORD

    assert client.get("/login").status_code == 200  # Talisman would redirect to https://
    user = make_user()
    response = post(client, "/login", {"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def _emails(path: Path) -> bool:
    """An email's HTML part (``templates/mail/*.html``, not the pages in ``mail/pages``): mail
    programs drop style sheets, so its styles are inline; it is never served as a page."""
    return path.parent == ROOT / "training" / "templates" / "mail"


def test_templates_have_no_inline_script_style_or_event_handler():
    """What the Content-Security-Policy would block (the browser tests also watch for it)."""
    inline = re.compile(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "training" / "templates").rglob("*.html"))
        if not _emails(path)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if inline.search(line)
    ]
    assert found == []


def test_emails_carry_no_script_or_event_handler():
    """An email's HTML part may style inline, but runs nothing."""
    active = re.compile(r"<script|\son[a-z]+=|javascript:", re.I)
    emails = sorted(p for p in (ROOT / "training" / "templates").rglob("*.html") if _emails(p))
    assert emails
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in emails
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if active.search(line)
    ]
    assert found == []
