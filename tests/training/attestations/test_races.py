"""Two clicks, tabs or leads acting at once on one signature or confirmation: exactly one is
recorded, on SQLite and PostgreSQL, because the database decides (a partial unique index for a
signature or a confirmation, a conditional UPDATE for a withdrawal). Real requests run in
parallel threads on a real database file (or TEST_DATABASE_URL); the loser is told plainly."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import (
    as_user,
    in_app,
    make_user,
    post,
    race,
    race_app,
    sign_in,
)
from tests.training.attestations.conftest import serve_track
from training.attestations.models import LeadConfirmation
from training.extensions import db
from training.models import AuditEvent, Role, TrackSignature

ROUNDS = 3


@pytest.fixture
def racing(tmp_path):
    with race_app(tmp_path) as app:
        serve_track(app, tmp_path / "content")
        yield app


def _following(url, data=None):  # type: ignore[no-untyped-def]
    """Post, then read the page it leads to (where the flashed message is shown)."""

    def act(client):  # type: ignore[no-untyped-def]
        answer = post(client, url, data)
        location = answer.headers.get("Location")
        return client.get(location.split("#")[0]) if location else answer

    return act


def _count(model, *conditions) -> int:  # type: ignore[no-untyped-def]
    with in_app():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _events(action: str) -> int:
    return _count(AuditEvent, AuditEvent.action == action)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_tabs_signing_one_version_at_once_record_one_signature(racing, round_):
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    sign = _following("/attestations/lived-experience", {"agree": "y", "name": "Riley Chen"})
    outcomes = race(racing, as_user(trainee, sign), as_user(trainee, sign))
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert sum("Thank you. You signed the lived-experience statement." in o for o in outcomes) == 1
    assert sum("You have already signed this version" in o for o in outcomes) == 1
    assert _count(TrackSignature) == 1 and _events("signed attestation") == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_leads_confirming_at_once_record_one_confirmation(racing, round_):
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    leads = [make_user(Role.LEAD), make_user(Role.LEAD)]
    confirm = _following(f"/attestations/people/{trainee.id}/confirmations/diploma")
    outcomes = race(racing, as_user(leads[0], confirm), as_user(leads[1], confirm))
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert sum("Confirmed for Riley Chen: High-school diploma" in o for o in outcomes) == 1
    assert sum("is already confirmed for Riley Chen" in o for o in outcomes) == 1
    assert _count(LeadConfirmation) == 1 and _events("confirmed") == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_leads_withdrawing_at_once_record_one_withdrawal(racing, round_):
    trainee = make_user(Role.TRAINEE, name="Riley Chen")
    leads = [make_user(Role.LEAD), make_user(Role.LEAD)]
    url = f"/attestations/people/{trainee.id}/confirmations/diploma"
    first = racing.test_client()
    sign_in(first, leads[0])
    post(first, url)
    withdraw = _following(url + "/withdraw", {"reason": "Confirmed by mistake."})
    outcomes = race(racing, as_user(leads[0], withdraw), as_user(leads[1], withdraw))
    assert all(o.startswith("200 ") for o in outcomes), outcomes
    assert sum("Withdrew the confirmation for Riley Chen" in o for o in outcomes) == 1
    assert sum("is not confirmed for Riley Chen any more" in o for o in outcomes) == 1
    assert _count(LeadConfirmation, LeadConfirmation.withdrawn_at.is_not(None)) == 1
    assert _events("confirmation withdrawn") == 1
