""" "My trainees" says who already holds the track's certificate (not "ready for the
certificate"), and a return refused because the entry is not in the queue says why in the
page's problem box, not above an empty list."""

from __future__ import annotations

import re

import pytest

from tests.helpers import (
    assign,
    fetch,
    html_of,
    make_certificate,
    make_entry,
    make_user,
    post,
    sign_in,
    text_of,
)
from training.models import EntryStatus, HoursEntry, Role


@pytest.fixture
def team(app):
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor", credential="CPRS 1")
    alex = make_user(Role.TRAINEE, name="Alex Trainee")
    blair = make_user(Role.TRAINEE, name="Blair Trainee")
    assign(alex, supervisor)
    assign(blair, supervisor)
    return supervisor, alex, blair


def _card(page: str, name: str, until: str | None = None) -> str:
    start = page.index(name)
    end = page.index(until, start) if until else len(page)
    return page[start:end]


def test_a_certified_trainee_is_shown_as_certified_until_the_expiry(client, team):
    supervisor, alex, _ = team
    certificate = make_certificate(alex, expires_in_days=300)
    sign_in(client, supervisor)
    page = text_of(client.get("/supervise/trainees"))
    alex_card = _card(page, "Alex Trainee", "Blair Trainee")
    assert f"Certified: valid until {certificate.expires_on:%-d %b %Y}" in alex_card
    assert "ready for the certificate" not in alex_card
    assert "Certified" not in _card(page, "Blair Trainee")


def test_an_expired_or_revoked_certificate_is_not_shown_as_certified(client, team):
    from datetime import UTC, datetime

    supervisor, alex, blair = team
    expired = make_certificate(alex, issued_days_ago=800, expires_in_days=-5)
    make_certificate(blair, code="REVOKED00001", revoked_at=datetime.now(UTC))
    sign_in(client, supervisor)
    page = text_of(client.get("/supervise/trainees"))
    alex_card = _card(page, "Alex Trainee", "Blair Trainee")
    assert f"Certificate: expired on {expired.expires_on:%-d %b %Y}" in alex_card
    assert "Certified" not in alex_card
    assert "Requirements met:" in alex_card
    assert "Certified" not in _card(page, "Blair Trainee")


def test_a_return_of_an_entry_not_in_the_queue_says_why_in_the_box(client, team):
    supervisor, alex, _ = team
    other = make_user(Role.SUPERVISOR)
    assign(alex, other)
    elsewhere = make_entry(alex, other, "submitted", notes="Sent to someone else")
    mine = make_entry(alex, supervisor, "submitted", notes="Sent to me")
    sign_in(client, supervisor)
    answer = post(
        client,
        f"/supervise/{elsewhere.id}/return",
        {"page": "1", f"entry-{elsewhere.id}-comment": "Please fix", "entry": str(mine.id)},
    )
    assert answer.status_code == 400
    html = html_of(answer)
    box = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert box, "no problem box"
    assert "That entry is not in your queue." in box.group(0)
    assert text_of(answer).count("That entry is not in your queue.") == 1  # not also a flash
    assert fetch(HoursEntry, elsewhere.id).status == EntryStatus.SUBMITTED
    assert f'name="entry" value="{mine.id}" id="entry-{mine.id}" checked' in html
