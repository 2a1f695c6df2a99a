"""Every message template renders through ``outbox.queue`` with what its caller gives it, the
same in a signed-in request as in the worker (no request): messages never depend on the web
page's context (who is signed in, the navigation's counts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_login import login_user
from jinja2 import Undefined
from jinja2.utils import missing

from tests.helpers import in_app, make_user
from training.extensions import db
from training.mail.outbox import queue
from training.models import Role

PROGRAM = "Peer Support Training Program"
PUBLIC = "http://127.0.0.1:5000"
TEMPLATES = sorted(
    path.stem
    for path in (Path(__file__).parents[2] / "training/templates/mail").glob("*.txt")
    if not path.name.startswith("_")
)
#: a value for every name a message template reads from its caller (see each caller of
#: ``queue``); a template reading a name not here fails the test below: add it
SAMPLE = {
    "link": f"{PUBLIC}/the-page",
    "verify_link": f"{PUBLIC}/verify/ABCD-1234",
    "hours_url": f"{PUBLIC}/supervise",
    "practice_url": f"{PUBLIC}/practice/review",
    "practice_link": f"{PUBLIC}/practice/review",
    "dashboard_url": f"{PUBLIC}/lead",
    "renewals_url": f"{PUBLIC}/lead/renewals",
    "console_url": f"{PUBLIC}/lead/mail",
    "certificate_url": f"{PUBLIC}/certificate",
    "outside_url": f"{PUBLIC}/outside",
    "lead": SimpleNamespace(name="Jordan Lee"),
    "role": "Trainee",
    "lasts": "7 days",
    "minutes": 60,
    "count": 3,
    "hours": 2,
    "practice": 1,
    "renewed": False,
    "track_title": "Recovery Coach",
    "course_title": "",
    "what": "continuing education",
    "when": "in 30 days",
    "expires_on": date(2031, 6, 1),
    "needs": ["Sign the program's statements again"],
    "ce_so_far": "4 of 20 hours so far",
    "waiting": SimpleNamespace(headline="2 entries are waiting for you", hours=2, practice=1),
    "summary": SimpleNamespace(eligible=2, expiring=1, expiring_days=60, failed=3),
}


class _Recording(Undefined):
    """Like Jinja's usual undefined value, but keeps the name of each missing variable."""

    names: list[str] = []

    def __init__(self, hint=None, obj=missing, name=None, exc=None):  # type: ignore[no-untyped-def]
        super().__init__(hint, obj, name, **({"exc": exc} if exc else {}))
        if name is not None and obj is missing:
            _Recording.names.append(name)


@pytest.fixture
def recording(app, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(app.jinja_env, "undefined", _Recording)
    monkeypatch.setattr(_Recording, "names", [])
    return _Recording.names


def _sign_in(user) -> None:  # type: ignore[no-untyped-def]
    """``user`` is signed in for this request (as after ``training.auth.login_sessions``)."""
    user.login_token = "a-sign-in-for-the-test"
    login_user(user)


def _assert_rendered(message) -> None:  # type: ignore[no-untyped-def]
    for body in (message.text_body, message.html_body):
        assert "Sam Rivera" in body or "Hello" in body
        assert PROGRAM in body and PUBLIC in body


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_message_renders_in_the_worker_with_what_its_caller_gives(app, recording, template):
    trainee = make_user(Role.TRAINEE, name="Sam Rivera")
    with in_app():
        message = queue(trainee, "hours_decision", template, "Subject", **SAMPLE)
        assert message is not None
        _assert_rendered(message)
        db.session.rollback()
    assert recording == [], f"mail/{template} reads names nobody gives it"


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_message_renders_the_same_in_a_signed_in_request(app, recording, template):
    trainee = make_user(Role.TRAINEE, name="Sam Rivera")
    lead = make_user(Role.LEAD)
    with in_app():
        worker = queue(trainee, "hours_decision", template, "Subject", **SAMPLE)
        db.session.rollback()
    with app.test_request_context():
        _sign_in(lead)
        in_request = queue(trainee, "hours_decision", template, "Subject", **SAMPLE)
        db.session.rollback()
    assert worker is not None and in_request is not None
    assert (in_request.text_body, in_request.html_body) == (worker.text_body, worker.html_body)
    assert recording == []


def test_queueing_in_a_request_does_not_count_the_navigations_waiting_items(app, monkeypatch):
    """An import of 500 invitations must not work out the lead's waiting counts twice per
    message: a message is not a page."""
    lead, trainee = make_user(Role.LEAD), make_user(Role.TRAINEE)

    def counted(user):  # type: ignore[no-untyped-def]
        raise AssertionError("a message rendered the navigation's counts")

    monkeypatch.setattr("training.hours.services.waiting_counts", counted)
    with app.test_request_context():
        _sign_in(lead)
        message = queue(trainee, "test", "test_message", "Testing")
        assert message is not None
        assert PROGRAM in message.text_body
        db.session.rollback()
