"""Every route in the URL map, as anyone and as each role, with hostile values in its path,
query string and form: never a 500, never an exception (TESTING re-raises them).

The values are what an attacker or a confused client sends: ids too big for the database,
NUL bytes and other control characters, CR/LF, very long strings, odd Unicode, dates at the
ends of the calendar, query names Flask's ``url_for`` reserves, files where text is expected,
wrong types and repeated keys. Hypothesis draws them (derandomised, so every run walks the
same examples and CI is not flaky).
"""

from __future__ import annotations

import inspect
import io
import os
import re
import sys
from collections.abc import Iterator
from datetime import date
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from certificates import signing
from tests.helpers import (
    app_config,
    app_with_database,
    assign,
    csrf_token,
    in_app,
    make_certificate,
    make_entry,
    make_user,
    save,
    sign_in,
)
from training import create_app
from training.extensions import db
from training.models import AuditEvent, Cohort, Role, User

pytestmark = pytest.mark.slow

ROLES = ("anonymous", Role.TRAINEE, Role.SUPERVISOR, Role.LEAD)
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes() -> list[tuple[str, str, str]]:
    app = create_app(app_config(SELF_REGISTRATION=True))
    return sorted(
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in IGNORED_METHODS
    )


ROUTES = _routes()


def _form_classes() -> dict[str, type]:
    from flask_wtf import FlaskForm

    import training.auth.forms
    import training.certs.forms
    import training.hours.forms
    import training.lead.cohorts
    import training.lead.forms
    import training.learning.forms  # noqa: F401  (imported for their form classes)

    found: dict[str, type] = {}
    pending = list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found[cls.__name__] = cls
    return found


FORMS = _form_classes()
#: names ``url_for`` reserves or takes as its own arguments, which a view must never pass on
RESERVED = ["_method", "_external", "_anchor", "_scheme", "endpoint", "values"]
#: names read by helpers shared by many views (the pager, sign-in's ``next``)
SHARED = ["page", "next"]


def _field_names(form: type) -> set[str]:
    return {n for n in dir(form) if isinstance(getattr(form, n, None), UnboundField)}


def _names_read(app: Flask, endpoint: str) -> tuple[list[str], list[str]]:
    """The query names and form field names the endpoint's module reads: from
    ``request.args``/``request.form`` calls and from the fields of the forms it builds (so the
    walk reaches real fields, not only names every view ignores)."""
    view = app.view_functions[endpoint]
    source = inspect.getsource(sys.modules[inspect.unwrap(view).__module__])
    query = set(re.findall(r'request\.args\.get(?:list)?\(\s*"([^"]+)"', source))
    query |= set(re.findall(r'_day\("(\w+)"\)', source))  # the audit log's date filters
    form = set(re.findall(r'request\.form\.get(?:list)?\(\s*"([^"]+)"', source))
    for name in re.findall(r"\b(\w+Form)\b", source):
        if name in FORMS:
            form |= _field_names(FORMS[name])
    if "q-" in source:
        form |= {"q-q1", "q-what-to-do"}  # quiz answers are named after their questions
    return sorted(query) + SHARED + RESERVED, sorted(form) or ["name", "email"]


def _all_names_read() -> dict[str, tuple[list[str], list[str]]]:
    app = create_app(app_config(SELF_REGISTRATION=True))
    return {endpoint: _names_read(app, endpoint) for endpoint, _, _ in ROUTES}


NAMES_READ = _all_names_read()


HOSTILE = [
    "", " ", "0", "1", "2", "3", "-1", "1.5", "1e9", "²", "١٢", "0x10",
    "99999999999999999999999999999", "2147483648", "9223372036854775808",
    "-9223372036854775809", "0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30",
    "\x00", "a\x00b", "\r\nSet-Cookie: evil=1", "line\rbreak", "\x1b[31m", "\x7f", "\u0085",
    "/\\evil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)",
    "\u202e\u202dname", "\ufeff", "\uffff", "😀" * 40, "Zoë Ñúñez 陳大文 محمد",
    "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd", "null", "[]",
    "yes", "csv", "desc", "score", "revoked", "expiring", "lead", "supervisor", "trainee",
    "hours_entry", "certificate", "individual_supervision", "in_person",
    "ethical_responsibility", "peer-recovery", "empathy", "a" * 10_000,
]  # fmt: skip
LONG_TEXT = ["x" * 100_000, "é" * 10_001, "Name " * 2_000]

#: the values that broke something before: drawn more often than the rest
EXTREMES = ["99999999999999999999999999999", "0001-01-01", "9999-12-31", "a\x00b", "²"]
text_values = st.one_of(st.sampled_from(EXTREMES), st.sampled_from(HOSTILE), st.text(max_size=40))
form_values = st.one_of(
    text_values,
    st.sampled_from(LONG_TEXT),
    st.just("FILE"),  # a file upload where text is expected
)


def _path_value(converter: str) -> st.SearchStrategy[str]:
    if converter == "int":
        return st.one_of(
            st.sampled_from(["1", "2", "3", "4", "5"]),
            st.integers(min_value=0, max_value=10**30).map(str),
            text_values,
        )
    return st.one_of(st.sampled_from(["empathy", "style.css", "1"]), text_values)


def _people(app: Flask) -> dict[str, User]:
    """Someone of each role, with a cohort, hours in each state, a certificate: enough for the
    views to get past "not found" and into their forms."""
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    with in_app():
        db.session.execute(update(User).where(User.id == trainee.id).values(cohort_id=cohort.id))
        db.session.commit()
    for status in ("draft", "submitted", "approved", "returned"):
        make_entry(trainee, supervisor, status)
    make_certificate(trainee, code="7K3QDM9X2AF4R8T", issued_days_ago=700, expires_in_days=30)
    # More than a page of people and of audit events, so the pagers draw their links.
    others = [
        User(email=f"p{n}@example.org", name=f"Pat {n}", role=Role.TRAINEE, password_hash="x")
        for n in range(55)
    ]
    events = [
        AuditEvent(subject_type="user", subject_id=trainee.id, action="viewed") for _ in range(55)
    ]
    save(*others, *events)
    return {Role.LEAD: lead, Role.SUPERVISOR: supervisor, Role.TRAINEE: trainee}


def _restore(people: dict[str, User]) -> None:
    """Undo what an earlier walk may have done to the accounts (a lead's form can demote or
    deactivate someone), so each role stays walkable."""
    with in_app():
        for role, user in people.items():
            db.session.execute(
                update(User)
                .where(User.id == user.id)
                .values(role=role, active=True, must_change_password=False)
            )
        db.session.commit()


@pytest.fixture(scope="module")
def walked() -> Iterator[tuple[Flask, dict[str, User]]]:
    key = signing.new_private_key_pem().decode()
    with app_with_database(SELF_REGISTRATION=True, CERTIFICATE_SIGNING_KEY=key) as app:
        yield app, _people(app)


def _url(rule: str, draw: st.DrawFn) -> str:
    def value(match: re.Match[str]) -> str:
        return quote(draw(_path_value(match.group(1) or "string")), safe="")

    return re.sub(r"<(?:(\w+):)?\w+>", value, rule)


@st.composite
def hostile_request(draw: st.DrawFn, endpoint: str, rule: str, method: str) -> dict[str, object]:
    query_names, form_names = NAMES_READ[endpoint]
    url = _url(rule, draw)
    query = draw(st.lists(st.tuples(st.sampled_from(query_names), text_values), max_size=4))
    if query:
        url += "?" + urlencode(query)
    form = draw(st.lists(st.tuples(st.sampled_from(form_names), form_values), max_size=6))
    return {
        "url": url,
        "method": method,
        "form": form if method == "POST" else [],
        "csrf": draw(st.sampled_from(["real", "real", "real", "none", "garbled"])),
    }


def _send(app: Flask, people: dict[str, User], role: str, request: dict[str, object]):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    data: MultiDict[str, object] = MultiDict()
    for name, value in request["form"]:  # type: ignore[attr-defined]
        data.add(name, (io.BytesIO(b"not text"), "x.txt") if value == "FILE" else value)
    if request["csrf"] == "real":
        data.add("csrf_token", csrf_token(client))
    elif request["csrf"] == "garbled":
        data.add("csrf_token", "x\x00" * 3)
    return client.open(request["url"], method=request["method"], data=data)  # type: ignore[arg-type]


#: examples per route, method and role (HOSTILE_EXAMPLES=200 for a longer hunt)
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "8"))


@pytest.mark.parametrize(
    ("endpoint", "rule", "method"), ROUTES, ids=[f"{m} {r}" for _, r, m in ROUTES]
)
@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_hostile_input_with_a_server_error(walked, endpoint, rule, method, role):
    app, people = walked
    _restore(people)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=hostile_request(endpoint, rule, method))
    def walk(request: dict[str, object]) -> None:
        try:
            response = _send(app, people, role, request)
        except Exception as error:  # TESTING re-raises what would be a 500
            raise AssertionError(f"{endpoint} raised {error!r} for {request!r:.600}") from error
        with response:
            if os.environ.get("HOSTILE_DEBUG"):
                print("WALK", role, method, request["url"][:100], response.status_code)
            assert response.status_code < 500, f"{endpoint} answered {response.status_code}"

    walk()


def test_the_walk_covers_every_route_in_the_url_map():
    """A route added later is walked too: the list comes from the URL map itself."""
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    app = create_app(app_config(SELF_REGISTRATION=True))
    assert endpoints == {rule.endpoint for rule in app.url_map.iter_rules()}
    assert len(ROUTES) > 50 and {"POST", "GET"} <= {m for _, _, m in ROUTES}
