"""A supervisor undoing an approval while a lead issues the trainee's certificate: never both.

Issuing reads the trainee's approved hours, renders the PDF (slow), then inserts; an undo at
that moment must wait for it and then be refused (the certificate counts those hours), and an
issue while an undo is being written must wait for it and then find the trainee not eligible.
Both take the trainee's lock (``training.trainee_lock``). The slow step is slowed down further
here, so the two always overlap. Real requests in threads, on a database file (or
TEST_DATABASE_URL: PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from tests.helpers import (
    as_user,
    assign,
    fetch,
    in_app,
    make_user,
    post,
    race,
    race_app,
)
from tests.training.certs.test_views import make_eligible, use_track
from training.certs import issuing
from training.extensions import db
from training.models import Certificate, EntryStatus, HoursEntry, Role
from training.supervise import undo as undo_module

PAUSE = 1.0  # seconds the slowed step takes: long enough for the other request to arrive


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        use_track(app, tmp_path / "content")
        yield app


@pytest.fixture
def people(racing):
    lead = make_user(Role.LEAD, name="Morgan Lead")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    assign(trainee, supervisor)
    make_eligible(racing, trainee, supervisor)  # approved just now: still undoable
    with in_app():
        practice = db.session.scalar(
            select(HoursEntry.id).where(HoursEntry.kind == "supervised_practice")
        )
    return lead, supervisor, trainee, practice


def _slowed(monkeypatch, module, name):  # type: ignore[no-untyped-def]
    """Slow ``module.name`` down; the event is set once it has started."""
    started = threading.Event()
    original = getattr(module, name)

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        time.sleep(PAUSE)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    return started


def _after(event, act):  # type: ignore[no-untyped-def]
    def waiting(client):  # type: ignore[no-untyped-def]
        assert event.wait(10), "the slowed step never started"
        return act(client)

    return waiting


def _issue(trainee):  # type: ignore[no-untyped-def]
    return lambda c: post(c, f"/lead/people/{trainee.id}/certificate", follow_redirects=True)


def _undo(entry_id):  # type: ignore[no-untyped-def]
    return lambda c: post(
        c, f"/supervise/{entry_id}/undo", {"next": "/supervise/history"}, follow_redirects=True
    )


def _certificates(trainee_id: int) -> int:
    with in_app():
        return len(
            db.session.scalars(
                select(Certificate.id).where(Certificate.user_id == trainee_id)
            ).all()
        )


def test_an_undo_while_a_certificate_is_being_rendered_waits_and_is_refused(
    racing, people, monkeypatch
):
    lead, supervisor, trainee, practice = people
    rendering = _slowed(monkeypatch, issuing, "render_certificate")
    outcomes = race(
        racing,
        as_user(lead, _issue(trainee)),
        as_user(supervisor, _after(rendering, _undo(practice))),
    )
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert "Issued certificate" in outcomes[0], outcomes
    assert "A certificate was issued to Riley Chen after you approved this entry" in outcomes[1]
    assert "is undone" not in outcomes[1], outcomes
    assert fetch(HoursEntry, practice).status == EntryStatus.APPROVED
    assert _certificates(trainee.id) == 1


def test_an_issue_while_an_undo_is_being_written_waits_and_finds_hours_missing(
    racing, people, monkeypatch
):
    lead, supervisor, trainee, practice = people
    undoing = _slowed(monkeypatch, undo_module, "long_time")  # after its UPDATE, before commit
    outcomes = race(
        racing,
        as_user(supervisor, _undo(practice)),
        as_user(lead, _after(undoing, _issue(trainee))),
    )
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert "Your approval of Riley Chen's entry is undone" in outcomes[0], outcomes
    assert "Riley Chen is not eligible yet" in outcomes[1], outcomes
    assert "Issued certificate" not in outcomes[1]
    assert fetch(HoursEntry, practice).status == EntryStatus.SUBMITTED
    assert _certificates(trainee.id) == 0
